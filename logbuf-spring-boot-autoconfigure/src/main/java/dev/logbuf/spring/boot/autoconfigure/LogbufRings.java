package dev.logbuf.spring.boot.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The registry bean of every ring configured under {@code logbuf.rings}, by name, in
 * configuration order.
 */
public final class LogbufRings {

    private final Map<String, LogbufRing> rings;

    LogbufRings(List<RingSettings> settings) {
        this(settings, (ring) -> new RingArchive(ring.name(), ring.archive(), null, List::of));
    }

    /**
     * @param settings the rings
     * @param archives makes the {@link RingArchive} of a ring that has archive settings
     */
    LogbufRings(List<RingSettings> settings, Function<RingSettings, RingArchive> archives) {
        Map<String, LogbufRing> rings = new LinkedHashMap<>();
        for (RingSettings ring : settings) {
            rings.put(ring.name(), new LogbufRing(ring, (ring.archive() != null) ? archives.apply(ring) : null));
        }
        this.rings = Collections.unmodifiableMap(rings);
    }

    /** The ring names, in configuration order. */
    public Set<String> names() {
        return this.rings.keySet();
    }

    /** Every ring by name (unmodifiable). */
    public Map<String, LogbufRing> asMap() {
        return this.rings;
    }

    public Optional<LogbufRing> find(String name) {
        return Optional.ofNullable(this.rings.get(name));
    }

    /**
     * @throws IllegalArgumentException naming the rings that exist when there is no ring
     * {@code name}
     */
    public LogbufRing get(String name) {
        LogbufRing ring = this.rings.get(name);
        if (ring == null) {
            throw new IllegalArgumentException("No logbuf ring named '" + name + "'; configured rings: " + names());
        }
        return ring;
    }

    @Override
    public String toString() {
        return "LogbufRings" + names();
    }

}
