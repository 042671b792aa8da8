package dev.logbuf.spring.boot.autoconfigure.logging;

import java.util.List;
import java.util.regex.Pattern;

import dev.logbuf.spring.boot.logging.LoggingSettings;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Binds and checks {@code logbuf.logging.*} into {@link LoggingSettings}; every mistake
 * (an unknown key, a value that does not convert, a ring name that is not a ring name)
 * fails with an {@link InvalidLoggingPropertyException} naming the property, its value
 * and where it was written. Internal: used by the logging listener and by the ring
 * registry.
 */
public final class LoggingSettingsBinder {

    /** The prefix of the logging properties. */
    public static final String PREFIX = "logbuf.logging";

    /** What a ring's name may look like (as for {@code logbuf.rings.<name>}). */
    private static final Pattern RING_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private static final List<String> KEYS = List.of("enabled", "ring", "format", "output");

    private LoggingSettingsBinder() {
    }

    /**
     * The checked logging settings, or {@code null} when the application's logs do not go
     * through a ring ({@code logbuf.logging.enabled} is not {@code true}, or
     * {@code logbuf.enabled} is {@code false}).
     * @param environment the environment
     * @return the settings, or {@code null}
     * @throws InvalidLoggingPropertyException for the first property that is wrong
     */
    public static LoggingSettings bind(Environment environment) {
        if (!environment.getProperty("logbuf.enabled", Boolean.class, true)) {
            return null;
        }
        checkKeys(environment);
        LogbufLoggingProperties properties;
        try {
            properties = Binder.get(environment)
                .bind(PREFIX, LogbufLoggingProperties.class)
                .orElseGet(LogbufLoggingProperties::new);
        }
        catch (BindException ex) {
            throw translate(environment, ex);
        }
        if (!properties.isEnabled()) {
            return null;
        }
        String ring = properties.getRing();
        if (ring == null || !RING_NAME.matcher(ring).matches()) {
            throw invalid(environment, "ring", ring,
                    "a ring's name is lower-case letters, digits and dashes ([a-z0-9][a-z0-9-]*)",
                    "Set " + PREFIX + ".ring to such a name, such as 'logs' (the default).", null);
        }
        if (properties.getFormat() == null) {
            throw invalid(environment, "format", null, formatProblem(), formatAction(), null);
        }
        if (properties.getOutput() == null) {
            throw invalid(environment, "output", null, outputProblem(), outputAction(), null);
        }
        return new LoggingSettings(ring, properties.getFormat(), properties.getOutput());
    }

    private static String formatProblem() {
        return "the format must be pattern, ecs, logstash or gelf";
    }

    private static String formatAction() {
        return "Set " + PREFIX + ".format to pattern (Spring Boot's console pattern) or to one of Spring Boot's"
                + " structured formats ecs, logstash or gelf (one JSON object per line).";
    }

    private static String outputProblem() {
        return "the output must be console or ring";
    }

    private static String outputAction() {
        return "Set " + PREFIX + ".output to console (standard output, in place of Spring Boot's console appender)"
                + " or ring (only the ring's handler or archive gets the events).";
    }

    /** Refuses a key under {@code logbuf.logging} that binding would silently ignore. */
    private static void checkKeys(Environment environment) {
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            List<ConfigurationPropertyName> names = iterable.stream()
                .filter((name) -> prefix.isAncestorOf(name))
                .toList();
            for (ConfigurationPropertyName name : names) {
                String key = name.subName(2).toString();
                if (!KEYS.contains(key)) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    String closest = closest(key);
                    throw new InvalidLoggingPropertyException(PREFIX + "." + key, String.valueOf(property.getValue()),
                            origin(property), "'" + key + "' is not a property of logbuf.logging (it would be ignored)",
                            "Did you mean " + PREFIX + "." + closest + "? The keys of logbuf.logging are "
                                    + String.join(", ", KEYS)
                                    + "; the ring's own settings go under logbuf.rings.<ring>.",
                            null);
                }
            }
        }
    }

    private static RuntimeException translate(Environment environment, BindException ex) {
        ConfigurationProperty property = ex.getProperty();
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
        if (property == null || !prefix.isAncestorOf(property.getName())) {
            return ex;
        }
        String key = property.getName().subName(2).toString();
        String value = String.valueOf(property.getValue());
        return switch (key) {
            case "format" -> new InvalidLoggingPropertyException(PREFIX + ".format", value, origin(property),
                    formatProblem(), formatAction(), ex);
            case "output" -> new InvalidLoggingPropertyException(PREFIX + ".output", value, origin(property),
                    outputProblem(), outputAction(), ex);
            case "enabled" -> new InvalidLoggingPropertyException(PREFIX + ".enabled", value, origin(property),
                    "the value must be true or false", "Set " + PREFIX + ".enabled to true or false.", ex);
            default -> new InvalidLoggingPropertyException(PREFIX + "." + key, value, origin(property),
                    "the value cannot be converted", "Correct " + PREFIX + "." + key + " (see docs/logging.md).", ex);
        };
    }

    private static InvalidLoggingPropertyException invalid(Environment environment, String key, String boundValue,
            String problem, String action, Throwable cause) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX + "." + key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return new InvalidLoggingPropertyException(PREFIX + "." + key, String.valueOf(property.getValue()),
                        origin(property), problem, action, cause);
            }
        }
        return new InvalidLoggingPropertyException(PREFIX + "." + key, boundValue, null, problem, action, cause);
    }

    private static String origin(ConfigurationProperty property) {
        return (property.getOrigin() != null) ? property.getOrigin().toString() : null;
    }

    static InvalidLoggingPropertyException missing(Environment environment, String className) {
        return enabledProblem(environment, className + " is not on the class path",
                "Add dev.logbuf:logbuf-logback (the starter brings it) and Logback (spring-boot-starter-logging),"
                        + " or set " + LoggingSettingsBinder.PREFIX + ".enabled=false.");
    }

    static InvalidLoggingPropertyException enabledProblem(Environment environment, String problem, String action) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(LoggingSettingsBinder.PREFIX + ".enabled");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return new InvalidLoggingPropertyException(name.toString(), String.valueOf(property.getValue()),
                        (property.getOrigin() != null) ? property.getOrigin().toString() : null, problem, action, null);
            }
        }
        return new InvalidLoggingPropertyException(name.toString(), "true", null, problem, action, null);
    }

    /** The key closest to {@code key} by edit distance. */
    static String closest(String key) {
        String best = KEYS.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : KEYS) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    private static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
                        diagonal + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

}
