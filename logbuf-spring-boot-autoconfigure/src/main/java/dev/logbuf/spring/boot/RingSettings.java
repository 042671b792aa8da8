package dev.logbuf.spring.boot;

import java.nio.file.Path;
import java.time.Duration;

import dev.logbuf.RingBuffer;

/**
 * The checked settings of one ring, as the auto-configuration made them from
 * {@code logbuf.rings.<name>.*}: every value here is one the ring can be built with.
 *
 * @param name the ring's name
 * @param type SPSC or MPSC
 * @param capacity the requested data capacity in bytes (the ring rounds it up to a power
 * of two)
 * @param stallTimeout how long the head may stay claimed before the ring counts as
 * stalled
 * @param handler the {@code RecordHandler} bean name, {@code null} when the ring has an
 * archive or no drain loop
 * @param drainEnabled whether a drain loop runs
 * @param batchLimit records per drain call
 * @param idleStrategy what the drain loop does when idle
 * @param shutdownTimeout how long stopping keeps draining
 * @param unblockDeadClaims whether the drain loop unblocks a claim whose thread has
 * terminated once it has blocked the head for {@code stallTimeout}
 * @param file the file the ring lives in (it survives a crash of the application),
 * {@code null} for a ring in memory
 * @param archive the built-in archive the drain loop writes to instead of a handler bean,
 * {@code null} when the ring has none
 * @param kafka where the archive is shipped to Kafka, {@code null} when it is not
 */
public record RingSettings(String name, RingBuffer.Type type, int capacity, Duration stallTimeout, String handler,
        boolean drainEnabled, int batchLimit, IdleStrategyType idleStrategy, Duration shutdownTimeout,
        boolean unblockDeadClaims, Path file, ArchiveSettings archive, KafkaSettings kafka) {

    /** Smallest capacity a ring accepts, in bytes. */
    public static final long MIN_CAPACITY = 16;

    /** Largest capacity a ring accepts, in bytes (1 GiB). */
    public static final long MAX_CAPACITY = 1L << 30;

    /**
     * Where the drain loop delivers: {@code archive <directory>},
     * {@code handler '<bean>'}, or {@code none} without a drain loop; for log lines.
     * @return the description
     */
    public String target() {
        if (this.archive != null) {
            return "archive " + this.archive.directory();
        }
        return (this.handler != null) ? "handler '" + this.handler + "'" : "none";
    }

}
