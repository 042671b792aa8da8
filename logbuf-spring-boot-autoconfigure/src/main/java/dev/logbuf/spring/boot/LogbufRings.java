package dev.logbuf.spring.boot;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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

    /**
     * Waits (without spinning) until the record at {@code position} of ring
     * {@code ringName} is in the ring's archive and forced to the device, whatever its
     * flush policy (one force answers every record written before it: group commit). Take
     * the position from the claim before committing it:
     * {@code long position = claim.position(); claim.commit();}.
     * @param ringName the ring, which must have an archive
     * ({@code logbuf.rings.<name>.archive.directory})
     * @param position the record's ring position
     * @param timeout how long to wait at most
     * @return {@code true} once the record is on the device; {@code false} when
     * {@code timeout} passed first (the record stays in the ring and is archived later)
     * @throws IllegalArgumentException when there is no ring {@code ringName}, or no
     * record at {@code position} (negative, or not below the producer position)
     * @throws IllegalStateException when the ring has no archive, or its archive is not
     * open (the drain loop is not running)
     * @throws dev.logbuf.archive.ArchiveException when the drain loop stopped before the
     * record was forced
     * @throws InterruptedException when the waiting thread is interrupted
     * @see RingArchive#awaitDurable(long, Duration)
     */
    public boolean awaitDurable(String ringName, long position, Duration timeout) throws InterruptedException {
        return archiveOf(ringName).awaitDurable(position, timeout);
    }

    /**
     * A future completed once the record at {@code position} of ring {@code ringName} is
     * in the ring's archive and forced to the device; the non-blocking form of
     * {@link #awaitDurable(String, long, Duration)}, with the same exceptions (those of
     * the wait complete the future exceptionally).
     * @param ringName the ring, which must have an archive
     * @param position the record's ring position
     * @return the future
     * @see RingArchive#whenDurable(long)
     */
    public CompletableFuture<Void> whenDurable(String ringName, long position) {
        return archiveOf(ringName).whenDurable(position);
    }

    private RingArchive archiveOf(String ringName) {
        return get(ringName).archive()
            .orElseThrow(() -> new IllegalStateException("Logbuf ring '" + ringName
                    + "' has no archive, so nothing makes its records durable: set logbuf.rings." + ringName
                    + ".archive.directory, or do not wait for durability on this ring"));
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
