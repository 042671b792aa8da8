package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import dev.logbuf.archive.ArchiveWriterBuilder;
import dev.logbuf.archive.FlushPolicy;

import org.springframework.util.unit.DataSize;

/**
 * The checked archive settings of one ring ({@code logbuf.rings.<name>.archive.*}), made
 * by {@link #of}, which refuses every value the archive cannot be opened with.
 *
 * @param directory the directory of the ring's segment files
 * @param segmentSize bytes at which a segment is sealed
 * @param flush when written records are forced to the device
 * @param flushInterval longest time between forces under {@link FlushPolicy#INTERVAL}
 * @param maxSegments most segments kept, {@code null} for no limit
 * @param maxAge age at which sealed segments are deleted, {@code null} for no limit
 */
public record ArchiveSettings(Path directory, long segmentSize, FlushPolicy flush, Duration flushInterval,
        Integer maxSegments, Duration maxAge) {

    /** Smallest segment size: a segment header and one frame of a one-byte record. */
    public static final long MIN_SEGMENT_SIZE = ArchiveWriterBuilder.MIN_SEGMENT_SIZE;

    /** Largest segment size (1 GiB). */
    public static final long MAX_SEGMENT_SIZE = ArchiveWriterBuilder.MAX_SEGMENT_SIZE;

    /**
     * Checks the archive properties of a ring that has an archive directory.
     * @param name the ring's name
     * @param archive the bound properties, with a directory
     * @param configured finds the value and origin as written for a property name suffix
     * @throws InvalidRingPropertyException for the first property that is wrong
     */
    static ArchiveSettings of(String name, LogbufProperties.Archive archive,
            Function<String, LogbufRingsRegistrar.ConfiguredValue> configured) {
        DataSize segmentSize = archive.getSegmentSize();
        if (segmentSize == null || segmentSize.toBytes() < MIN_SEGMENT_SIZE
                || segmentSize.toBytes() > MAX_SEGMENT_SIZE) {
            String actual = (segmentSize != null) ? "; it is " + segmentSize.toBytes() + " bytes" : "";
            throw RingSettings.invalid(name, "archive.segment-size", segmentSize, configured,
                    "the segment size must be from " + MIN_SEGMENT_SIZE + "B to 1GB (" + MIN_SEGMENT_SIZE + " to "
                            + MAX_SEGMENT_SIZE + " bytes)" + actual,
                    "Set %s to a size from " + MIN_SEGMENT_SIZE
                            + "B to 1GB, for example 64MB (binary units: 1MB = 1,048,576 bytes).");
        }
        if (archive.getFlush() == null) {
            throw RingSettings.invalid(name, "archive.flush", null, configured,
                    "the flush policy must be none, batch or interval", "Set %s to none, batch or interval.");
        }
        RingSettings.requirePositive(name, "archive.flush-interval", archive.getFlushInterval(), configured, "1s");
        Integer maxSegments = archive.getRetention().getMaxSegments();
        if (maxSegments != null && maxSegments < 1) {
            throw RingSettings.invalid(name, "archive.retention.max-segments", maxSegments, configured,
                    "the most segments to keep must be at least 1 (the segment being written counts)",
                    "Set %s to a positive number of segments, such as 100, or remove it to keep every segment.");
        }
        Duration maxAge = archive.getRetention().getMaxAge();
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw RingSettings.invalid(name, "archive.retention.max-age", maxAge, configured,
                    "the duration must be positive",
                    "Set %s to a positive duration such as 7d or 12h, or remove it to keep segments of any age.");
        }
        return new ArchiveSettings(archive.getDirectory(), segmentSize.toBytes(), archive.getFlush(),
                archive.getFlushInterval(), maxSegments, maxAge);
    }

    /**
     * The flush policy as written in the properties: {@code none}, {@code batch} or
     * {@code interval}.
     */
    public String flushName() {
        return this.flush.name().toLowerCase(java.util.Locale.ROOT);
    }
}
