package dev.logbuf.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rings configured when the application starts are not those its bean definitions
 * were made for: with Spring AOT ({@code process-aot}) those definitions are generated at
 * build time, so a ring added, removed, or switched between a drain loop and a
 * {@code Consumer} bean at run time, or {@code logbuf.enabled=false} at run time, cannot
 * take effect. {@link RingsChangedSinceBuildFailureAnalyzer} explains it.
 */
public class RingsChangedSinceBuildException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> built;

    private final List<String> configured;

    private final boolean disabled;

    /**
     * @param built the rings the bean definitions were made for ({@code name:drain} or
     * {@code name:consumer})
     * @param configured the rings configured now, same form
     * @param disabled whether {@code logbuf.enabled} is false now
     */
    RingsChangedSinceBuildException(String[] built, String[] configured, boolean disabled) {
        super("The logbuf rings' beans were made for " + Arrays.toString(built) + " but the configuration now has "
                + (disabled ? "logbuf.enabled=false" : Arrays.toString(configured)));
        this.built = List.of(built);
        this.configured = List.of(configured);
        this.disabled = disabled;
    }

    /**
     * The rings the bean definitions were made for, e.g. {@code audit:drain}.
     * @return the rings
     */
    public List<String> getBuilt() {
        return this.built;
    }

    /**
     * The rings configured at this start, e.g. {@code audit:consumer}.
     * @return the rings
     */
    public List<String> getConfigured() {
        return this.configured;
    }

    /**
     * Whether {@code logbuf.enabled} is false at this start.
     * @return whether logbuf is disabled now
     */
    public boolean isDisabled() {
        return this.disabled;
    }

    /**
     * What changed, one line per ring.
     * @return the differences
     */
    List<String> differences() {
        List<String> differences = new ArrayList<>();
        for (String ring : this.configured) {
            String name = ring.substring(0, ring.indexOf(':'));
            String before = find(this.built, name);
            if (before == null) {
                differences.add("'" + name + "' is configured now (" + describe(ring) + ") but was not at build time");
            }
            else if (!before.equals(ring)) {
                differences.add(
                        "'" + name + "' had " + describe(before) + " at build time and has " + describe(ring) + " now");
            }
        }
        for (String ring : this.built) {
            String name = ring.substring(0, ring.indexOf(':'));
            if (find(this.configured, name) == null) {
                differences.add("'" + name + "' was configured at build time (" + describe(ring) + ") but is not now");
            }
        }
        return differences;
    }

    private static String find(List<String> rings, String name) {
        return rings.stream().filter((ring) -> ring.startsWith(name + ":")).findFirst().orElse(null);
    }

    private static String describe(String ring) {
        String kind = ring.substring(ring.indexOf(':') + 1);
        boolean kafka = kind.endsWith("+kafka");
        if (kafka) {
            kind = kind.substring(0, kind.length() - "+kafka".length());
        }
        String described = switch (kind) {
            case "drain" -> "a drain loop";
            case "logging" -> "the logging appender's drain";
            default -> "a Consumer bean, drain.enabled=false";
        };
        return described + (kafka ? " and a Kafka shipper" : "");
    }

}
