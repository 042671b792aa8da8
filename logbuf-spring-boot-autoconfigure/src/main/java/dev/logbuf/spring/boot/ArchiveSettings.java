package dev.logbuf.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import dev.logbuf.archive.ArchiveWriterBuilder;
import dev.logbuf.archive.FlushPolicy;

/**
 * The checked archive settings of one ring ({@code logbuf.rings.<name>.archive.*}).
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
     * The flush policy as written in the properties: {@code none}, {@code batch} or
     * {@code interval}.
     * @return the policy's name
     */
    public String flushName() {
        return this.flush.name().toLowerCase(Locale.ROOT);
    }

}
