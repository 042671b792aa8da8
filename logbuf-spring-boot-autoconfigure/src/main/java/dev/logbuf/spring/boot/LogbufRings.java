package dev.logbuf.spring.boot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry bean of every ring configured under {@code logbuf.rings}, by name, in
 * configuration order. Closing it closes every ring (a file-backed ring releases its
 * file); the application context does that when it closes, after the drain loops have
 * stopped.
 */
public final class LogbufRings implements AutoCloseable {

    private final Map<String, LogbufRing> rings;

    /**
     * @param rings the rings, in configuration order
     */
    public LogbufRings(List<LogbufRing> rings) {
        Map<String, LogbufRing> byName = new LinkedHashMap<>();
        for (LogbufRing ring : rings) {
            if (byName.putIfAbsent(ring.name(), ring) != null) {
                throw new IllegalArgumentException("Two rings named '" + ring.name() + "'");
            }
        }
        this.rings = Collections.unmodifiableMap(byName);
    }

    /**
     * The ring names, in configuration order.
     * @return the names
     */
    public Set<String> names() {
        return this.rings.keySet();
    }

    /**
     * Every ring by name.
     * @return an unmodifiable map
     */
    public Map<String, LogbufRing> asMap() {
        return this.rings;
    }

    /**
     * The ring named {@code name}, if configured.
     * @param name the name
     * @return the ring
     */
    public Optional<LogbufRing> find(String name) {
        return Optional.ofNullable(this.rings.get(name));
    }

    /**
     * The ring named {@code name}.
     * @param name the name
     * @return the ring
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

    /** Closes every ring; never throws. */
    @Override
    public void close() {
        for (LogbufRing ring : this.rings.values()) {
            ring.close();
        }
    }

    @Override
    public String toString() {
        return "LogbufRings" + names();
    }

}
