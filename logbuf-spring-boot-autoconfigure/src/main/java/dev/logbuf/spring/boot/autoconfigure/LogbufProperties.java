package dev.logbuf.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.logbuf.RingBuffer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for logbuf rings ({@code logbuf.*}).
 *
 * <p>Every entry of {@link #getRings() rings} becomes one ring with its own
 * {@code RingBuffer}, {@code Producer} and (unless its drain is disabled) drain
 * loop, each injectable with {@code @Qualifier("<name>")}.
 */
@ConfigurationProperties("logbuf")
public class LogbufProperties {

    /**
     * Whether to create the configured rings, their drain loops, health
     * contributor, meters and endpoint.
     */
    private boolean enabled = true;

    /**
     * Rings by name. The name is the bean qualifier, the {@code ring} tag of the
     * meters, the health component and the suffix of the drain thread's name.
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
         * Ring type: 'spsc' for one producing thread at a time, 'mpsc' for any
         * number of producing threads.
         */
        private RingBuffer.Type type = RingBuffer.Type.MPSC;

        /**
         * Data capacity (binary units: 1MB is 1,048,576 bytes), rounded up to a
         * power of two; from 16B to 1GB. The largest record is about half of it.
         */
        private DataSize capacity = DataSize.ofMegabytes(1);

        /**
         * How long the record at the head may stay claimed but uncommitted before
         * the ring is reported stalled (health DOWN, logbuf.ring.stalled above 0).
         */
        private Duration stallTimeout = Duration.ofSeconds(5);

        /**
         * Name of the dev.logbuf.RecordHandler bean that the drain loop feeds.
         * Required while the drain is enabled.
         */
        private String handler;

        /**
         * Drain loop settings.
         */
        private final Drain drain = new Drain();

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

        public Drain getDrain() {
            return this.drain;
        }

    }

    /**
     * The drain loop of one ring.
     */
    public static class Drain {

        /**
         * Whether a drain loop feeds the ring's records to its handler. When
         * false, no drain loop runs and the application injects the ring's
         * Consumer (@Qualifier with the ring's name) and reads it itself.
         */
        private boolean enabled = true;

        /**
         * Largest number of records handed to the handler per drain call; the
         * space of a batch is released in one step.
         */
        private int batchLimit = 256;

        /**
         * What the drain thread does when the ring is empty: 'busy-spin',
         * 'yield', 'backoff' (spin, then yield, then park up to 1ms) or 'park'
         * (park 1ms).
         */
        private IdleStrategyType idleStrategy = IdleStrategyType.BACKOFF;

        /**
         * How long stopping the drain loop keeps handing committed records to
         * the handler before it gives up.
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
