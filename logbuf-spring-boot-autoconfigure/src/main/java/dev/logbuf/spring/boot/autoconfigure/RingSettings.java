package dev.logbuf.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.function.Function;

import dev.logbuf.RingBuffer;

import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * The checked settings of one ring, made from its {@link LogbufProperties.Ring} by
 * {@link #of}, which refuses every value the ring cannot be built with.
 *
 * @param name the ring's name
 * @param type SPSC or MPSC
 * @param capacity the requested data capacity in bytes (the ring rounds it up to a power
 * of two)
 * @param stallTimeout how long the head may stay claimed before the ring counts as
 * stalled
 * @param handler the RecordHandler bean name, {@code null} when the drain is disabled and
 * none is set
 * @param drainEnabled whether a drain loop runs
 * @param batchLimit records per drain call
 * @param idleStrategy what the drain loop does when idle
 * @param shutdownTimeout how long stopping keeps draining
 * @param archive the built-in archive the drain loop writes to instead of a handler bean,
 * {@code null} when the ring has none
 */
public record RingSettings(String name, RingBuffer.Type type, int capacity, Duration stallTimeout, String handler,
        boolean drainEnabled, int batchLimit, IdleStrategyType idleStrategy, Duration shutdownTimeout,
        ArchiveSettings archive) {

    /** Smallest capacity a ring accepts, in bytes. */
    public static final long MIN_CAPACITY = 16;

    /** Largest capacity a ring accepts, in bytes (1 GiB). */
    public static final long MAX_CAPACITY = 1L << 30;

    /**
     * Checks {@code ring} and returns its settings.
     * @param name the ring's name
     * @param ring the bound properties
     * @param configured finds the value and origin as written for a property name suffix
     * such as {@code capacity} or {@code drain.batch-limit} ({@code null} when not
     * written)
     * @throws InvalidRingPropertyException for the first property that is wrong
     */
    static RingSettings of(String name, LogbufProperties.Ring ring,
            Function<String, LogbufRingsRegistrar.ConfiguredValue> configured) {
        LogbufProperties.Drain drain = ring.getDrain();
        if (ring.getType() == null) {
            throw invalid(name, "type", null, configured, "the type must be spsc or mpsc",
                    "Set %s to spsc (one producing thread at a time) or mpsc (any number of producing threads).");
        }
        DataSize capacity = ring.getCapacity();
        if (capacity == null || capacity.toBytes() < MIN_CAPACITY || capacity.toBytes() > MAX_CAPACITY) {
            String actual = (capacity != null) ? "; it is " + capacity.toBytes() + " bytes" : "";
            throw invalid(name, "capacity", capacity, configured,
                    "the capacity must be from 16B to 1GB (" + MIN_CAPACITY + " to " + MAX_CAPACITY + " bytes)"
                            + actual,
                    "Set %s to a size from 16B to 1GB, for example 1MB (binary units: 1MB = 1,048,576 bytes).");
        }
        requirePositive(name, "stall-timeout", ring.getStallTimeout(), configured, "5s");
        if (drain.getBatchLimit() < 1) {
            throw invalid(name, "drain.batch-limit", drain.getBatchLimit(), configured,
                    "the batch limit must be at least 1 record",
                    "Set %s to a positive number of records per drain call, such as 256.");
        }
        if (drain.getIdleStrategy() == null) {
            throw invalid(name, "drain.idle-strategy", null, configured,
                    "the idle strategy must be busy-spin, yield, backoff or park",
                    "Set %s to busy-spin, yield, backoff or park.");
        }
        requirePositive(name, "drain.shutdown-timeout", drain.getShutdownTimeout(), configured, "10s");
        String handler = StringUtils.hasText(ring.getHandler()) ? ring.getHandler().trim() : null;
        ArchiveSettings archive = null;
        if (ring.getArchive().getDirectory() != null && !ring.getArchive().getDirectory().toString().isBlank()) {
            String directoryProperty = LogbufRingsRegistrar.propertyName(name, "archive.directory");
            if (handler != null) {
                throw invalid(name, "handler", handler, configured,
                        "the ring also has an archive (" + directoryProperty + "), which is its record handler; a ring"
                                + " feeds either its archive or a handler bean",
                        "Remove %s to archive the ring's records, or remove " + directoryProperty
                                + " to feed them to the handler bean instead.");
            }
            if (!drain.isEnabled()) {
                throw invalid(name, "drain.enabled", false, configured,
                        "the ring has an archive (" + directoryProperty + "), which only its drain loop writes",
                        "Remove %s (it defaults to true), or remove " + directoryProperty
                                + " to read the ring yourself through @Qualifier(\"" + name + "\") Consumer.");
            }
            archive = ArchiveSettings.of(name, ring.getArchive(), configured);
        }
        if (drain.isEnabled() && handler == null && archive == null) {
            throw invalid(name, "handler", null, configured,
                    "the ring's drain is enabled (" + LogbufRingsRegistrar.propertyName(name, "drain.enabled")
                            + " defaults to true) but no record handler is named",
                    "Set %s to the name of a dev.logbuf.RecordHandler bean, or set "
                            + LogbufRingsRegistrar.propertyName(name, "archive.directory")
                            + " to archive the records to files, or set "
                            + LogbufRingsRegistrar.propertyName(name, "drain.enabled")
                            + "=false and read the ring yourself through @Qualifier(\"" + name + "\") Consumer.");
        }
        return new RingSettings(name, ring.getType(), (int) capacity.toBytes(), ring.getStallTimeout(), handler,
                drain.isEnabled(), drain.getBatchLimit(), drain.getIdleStrategy(), drain.getShutdownTimeout(), archive);
    }

    static void requirePositive(String name, String suffix, Duration duration,
            Function<String, LogbufRingsRegistrar.ConfiguredValue> configured, String example) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw invalid(name, suffix, duration, configured, "the duration must be positive",
                    "Set %s to a positive duration such as " + example + " or 500ms.");
        }
    }

    static InvalidRingPropertyException invalid(String name, String suffix, Object boundValue,
            Function<String, LogbufRingsRegistrar.ConfiguredValue> configured, String problem, String actionFormat) {
        String property = LogbufRingsRegistrar.propertyName(name, suffix);
        LogbufRingsRegistrar.ConfiguredValue value = configured.apply(suffix);
        String text = (value != null) ? value.text() : (boundValue != null) ? boundValue.toString() : null;
        return new InvalidRingPropertyException(name, property, text, (value != null) ? value.origin() : null, problem,
                String.format(actionFormat, property));
    }
}
