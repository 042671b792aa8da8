package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.logbuf.RingBuffer;
import dev.logbuf.archive.FlushPolicy;
import dev.logbuf.spring.boot.IdleStrategyType;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for logbuf rings ({@code logbuf.*}).
 *
 * <p>
 * Every entry of {@link #getRings() rings} becomes one ring with its own
 * {@code RingBuffer}, {@code Producer} and (unless its drain is disabled) drain loop,
 * each injectable with {@code @Qualifier("<name>")}.
 */
@ConfigurationProperties("logbuf")
public class LogbufProperties {

    /**
     * Whether to create the configured rings, their drain loops, health contributor,
     * meters and endpoint.
     */
    private boolean enabled = true;

    /**
     * Rings by name. The name is the bean qualifier, the {@code ring} tag of the meters,
     * the health component and the suffix of the drain thread's name.
     */
    private Map<String, Ring> rings = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, Ring> getRings() {
        return this.rings;
    }

    public void setRings(Map<String, Ring> rings) {
        this.rings = rings;
    }

    /**
     * One ring.
     */
    public static class Ring {

        /**
         * Ring type: 'spsc' for one producing thread at a time, 'mpsc' for any number of
         * producing threads.
         */
        private RingBuffer.Type type = RingBuffer.Type.MPSC;

        /**
         * Data capacity (binary units: 1MB is 1,048,576 bytes), rounded up to a power of
         * two; from 16B to 1GB. The largest record is about half of it.
         */
        private DataSize capacity = DataSize.ofMegabytes(1);

        /**
         * How long the record at the head may stay claimed but uncommitted before the
         * ring is reported stalled (health DOWN, logbuf.ring.stalled above 0).
         */
        private Duration stallTimeout = Duration.ofSeconds(5);

        /**
         * Name of the dev.logbuf.RecordHandler bean that the drain loop feeds. Required
         * while the drain is enabled, unless the ring has an archive directory; not
         * allowed together with one.
         */
        private String handler;

        /**
         * Whether the drain loop unblocks a claim whose thread has terminated without
         * committing or aborting it, once it has blocked the head for stall-timeout (the
         * record is lost, the records behind it drain; logged at ERROR).
         */
        private boolean unblockDeadClaims = true;

        /**
         * File the ring lives in (memory-mapped; created when missing), so that records
         * accepted but not yet drained survive a crash of the application: they are
         * drained first at the next start. A file holds one ring of one type and
         * capacity.
         */
        private Path file;

        /**
         * Drain loop settings.
         */
        private final Drain drain = new Drain();

        /**
         * Built-in durable archive: the drain loop writes the records to segment files in
         * a directory instead of feeding a handler bean.
         */
        private final Archive archive = new Archive();

        /**
         * Shipping of the ring's archive to a Kafka topic, at least once and in order;
         * producer settings from spring.kafka.*.
         */
        private final Kafka kafka = new Kafka();

        public RingBuffer.Type getType() {
            return this.type;
        }

        public void setType(RingBuffer.Type type) {
            this.type = type;
        }

        public DataSize getCapacity() {
            return this.capacity;
        }

        public void setCapacity(DataSize capacity) {
            this.capacity = capacity;
        }

        public Duration getStallTimeout() {
            return this.stallTimeout;
        }

        public void setStallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
        }

        public String getHandler() {
            return this.handler;
        }

        public void setHandler(String handler) {
            this.handler = handler;
        }

        public boolean isUnblockDeadClaims() {
            return this.unblockDeadClaims;
        }

        public void setUnblockDeadClaims(boolean unblockDeadClaims) {
            this.unblockDeadClaims = unblockDeadClaims;
        }

        public Path getFile() {
            return this.file;
        }

        public void setFile(Path file) {
            this.file = file;
        }

        public Drain getDrain() {
            return this.drain;
        }

        public Archive getArchive() {
            return this.archive;
        }

        public Kafka getKafka() {
            return this.kafka;
        }

    }

    /**
     * Shipping of a ring's archive to Kafka (module logbuf-kafka): a shipper follows the
     * archive's segment files and sends every record to the topic, keyed by the ring's
     * name, with a checkpoint of the last acknowledged record in the archive directory.
     * Needs the ring's archive. Producer settings (bootstrap servers, security) come from
     * spring.kafka.*.
     */
    public static class Kafka {

        /**
         * Topic the ring's archived records are shipped to, at least once and in order.
         * Requires archive.directory, dev.logbuf:logbuf-kafka and
         * org.springframework.boot:spring-boot-kafka on the class path.
         */
        private String topic;

        /**
         * Most records sent and not yet acknowledged: bounds the records sent again after
         * a failure, and the producer's memory.
         */
        private int maxInFlight = 10_000;

        /**
         * Shortest time between two saves of the checkpoint (the last acknowledged
         * record) while records fly; a restart after a crash sends again what was
         * acknowledged since the last save.
         */
        private Duration checkpointInterval = Duration.ofMillis(200);

        /**
         * How long stopping keeps shipping what the archive holds (after the drain loop
         * archived the last records) and waits for the acknowledgements.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        /**
         * How long records may wait without any acknowledgement (the broker away, or
         * refusing a record) before the ring's health is DOWN.
         */
        private Duration outageTimeout = Duration.ofMinutes(5);

        /**
         * Kafka producer settings for this ring's shipper only, over those of
         * spring.kafka.* (say acks=all where the application's own producers use acks=1).
         */
        private Map<String, String> properties = new LinkedHashMap<>();

        public String getTopic() {
            return this.topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public int getMaxInFlight() {
            return this.maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public Duration getCheckpointInterval() {
            return this.checkpointInterval;
        }

        public void setCheckpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

        public Duration getOutageTimeout() {
            return this.outageTimeout;
        }

        public void setOutageTimeout(Duration outageTimeout) {
            this.outageTimeout = outageTimeout;
        }

        public Map<String, String> getProperties() {
            return this.properties;
        }

        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }

    }

    /**
     * The built-in archive of one ring: segment files written by
     * {@code dev.logbuf.archive.ArchiveWriter}, format in {@code docs/archive-format.md}.
     */
    public static class Archive {

        /**
         * Directory of the ring's archive segments; created when missing. Setting it
         * makes the archive the ring's record handler (no handler bean then). One ring
         * per directory.
         */
        private Path directory;

        /**
         * Size at which a segment is sealed and the next one started (binary units: 1MB
         * is 1,048,576 bytes); from 121B to 1GB. A segment is read into the heap whole
         * when the archive is opened or read.
         */
        private DataSize segmentSize = DataSize.ofMegabytes(64);

        /**
         * When written records are forced to the storage device: 'none' (the operating
         * system decides), 'batch' (after every drain batch) or 'interval' (at the end of
         * the first batch once flush-interval has passed).
         */
        private FlushPolicy flush = FlushPolicy.BATCH;

        /**
         * Longest time between two forces with flush 'interval': at most this much is
         * lost on a power failure.
         */
        private Duration flushInterval = Duration.ofSeconds(1);

        /**
         * Which old segments are deleted.
         */
        private final Retention retention = new Retention();

        public Path getDirectory() {
            return this.directory;
        }

        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        public DataSize getSegmentSize() {
            return this.segmentSize;
        }

        public void setSegmentSize(DataSize segmentSize) {
            this.segmentSize = segmentSize;
        }

        public FlushPolicy getFlush() {
            return this.flush;
        }

        public void setFlush(FlushPolicy flush) {
            this.flush = flush;
        }

        public Duration getFlushInterval() {
            return this.flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        public Retention getRetention() {
            return this.retention;
        }

    }

    /**
     * Retention of an archive's segments: the oldest sealed segments are deleted first,
     * so what remains is contiguous; the segment being written is never deleted. Unset:
     * every segment is kept.
     */
    public static class Retention {

        /**
         * Most segments to keep, the one being written included; at least 1. Unset for no
         * limit.
         */
        private Integer maxSegments;

        /**
         * Sealed segments whose last write is this old are deleted (checked at rotation
         * and at the end of drain batches). Unset for no limit.
         */
        private Duration maxAge;

        public Integer getMaxSegments() {
            return this.maxSegments;
        }

        public void setMaxSegments(Integer maxSegments) {
            this.maxSegments = maxSegments;
        }

        public Duration getMaxAge() {
            return this.maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

    }

    /**
     * The drain loop of one ring.
     */
    public static class Drain {

        /**
         * Whether a drain loop feeds the ring's records to its handler. When false, no
         * drain loop runs and the application injects the ring's Consumer (@Qualifier
         * with the ring's name) and reads it itself.
         */
        private boolean enabled = true;

        /**
         * Largest number of records handed to the handler per drain call. The space of a
         * call is released in one step, or each quarter of the ring's capacity when the
         * call covers more; with an archive or Kafka, once the batch is written.
         */
        private int batchLimit = 256;

        /**
         * What the drain thread does when the ring is empty: 'busy-spin', 'yield',
         * 'backoff' (spin, then yield, then park up to 1ms) or 'park' (park 1ms).
         */
        private IdleStrategyType idleStrategy = IdleStrategyType.BACKOFF;

        /**
         * How long stopping the drain loop keeps handing committed records to the handler
         * before it gives up.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getBatchLimit() {
            return this.batchLimit;
        }

        public void setBatchLimit(int batchLimit) {
            this.batchLimit = batchLimit;
        }

        public IdleStrategyType getIdleStrategy() {
            return this.idleStrategy;
        }

        public void setIdleStrategy(IdleStrategyType idleStrategy) {
            this.idleStrategy = idleStrategy;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

    }

}
