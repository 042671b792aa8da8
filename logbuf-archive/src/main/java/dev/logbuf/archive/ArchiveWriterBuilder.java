package dev.logbuf.archive;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link ArchiveWriter}; {@link #open()} opens (or creates) the archive.
 * Every setter checks its argument and throws {@link IllegalArgumentException} naming the
 * bad value.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr>
 * <th>setting</th>
 * <th>default</th>
 * </tr>
 * <tr>
 * <td>{@link #segmentSize(long)}</td>
 * <td>64 MiB</td>
 * </tr>
 * <tr>
 * <td>{@link #flushPolicy(FlushPolicy)}</td>
 * <td>{@link FlushPolicy#BATCH}</td>
 * </tr>
 * <tr>
 * <td>{@link #flushInterval(Duration)}</td>
 * <td>1 s (used by {@link FlushPolicy#INTERVAL})</td>
 * </tr>
 * <tr>
 * <td>{@link #maxSegments(int)}</td>
 * <td>0: no limit</td>
 * </tr>
 * <tr>
 * <td>{@link #maxAge(Duration)}</td>
 * <td>none: no limit</td>
 * </tr>
 * <tr>
 * <td>{@link #writeBufferSize(int)}</td>
 * <td>1 MiB</td>
 * </tr>
 * </table>
 */
public final class ArchiveWriterBuilder {

    /** Smallest segment size: a header and one chunk of a one-byte record. */
    public static final long MIN_SEGMENT_SIZE = SegmentFormat.HEADER_LENGTH + SegmentFormat.CHUNK_HEADER_LENGTH + 1;

    /**
     * Largest segment size (1 GiB), so that a reader can hold a segment in one buffer.
     */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;

    public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;

    public static final int MIN_WRITE_BUFFER_SIZE = 4096;

    public static final int DEFAULT_WRITE_BUFFER_SIZE = 1 << 20;

    private final Path directory;

    private long segmentSize = DEFAULT_SEGMENT_SIZE;

    private FlushPolicy flushPolicy = FlushPolicy.BATCH;

    private Duration flushInterval = Duration.ofSeconds(1);

    private int maxSegments;

    private Duration maxAge;

    private int writeBufferSize = DEFAULT_WRITE_BUFFER_SIZE;

    private ArchiveListener listener = ArchiveListener.NONE;

    private Clock clock = Clock.systemUTC();

    private SegmentFiles.ChannelOpener channelOpener = SegmentFiles.ChannelOpener.DEFAULT;

    ArchiveWriterBuilder(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Size in bytes at which a segment is sealed and the next one started: a record that
     * would take the segment past it goes to a new segment (a segment's closing anchor,
     * at most 72 bytes and its block padding, may go past; a record larger than the limit
     * gets a segment of its own). Between {@value #MIN_SEGMENT_SIZE} bytes and 1 GiB.
     * Opening reads the last segment into the heap once to check it, and the reader holds
     * one segment at a time: leave room for one segment in the heap.
     */
    public ArchiveWriterBuilder segmentSize(long bytes) {
        if (bytes < MIN_SEGMENT_SIZE || bytes > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size " + bytes + " bytes is outside " + MIN_SEGMENT_SIZE + ".."
                    + MAX_SEGMENT_SIZE + " bytes");
        }
        this.segmentSize = bytes;
        return this;
    }

    /** When written records are forced to the device. */
    public ArchiveWriterBuilder flushPolicy(FlushPolicy policy) {
        this.flushPolicy = Objects.requireNonNull(policy, "flush policy");
        return this;
    }

    /** Longest time between forces under {@link FlushPolicy#INTERVAL}; positive. */
    public ArchiveWriterBuilder flushInterval(Duration interval) {
        Objects.requireNonNull(interval, "flush interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("flush interval " + interval + " must be positive");
        }
        this.flushInterval = interval;
        return this;
    }

    /**
     * Most segments to keep, the one being written included; 0 for no limit. A segment
     * holding a record that a reader's {@link ArchiveCheckpoint} has not passed is kept
     * over the limit ({@link ArchiveWriter#segmentsHeld()}).
     */
    public ArchiveWriterBuilder maxSegments(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("max segments " + count + " must be 0 (no limit) or positive");
        }
        this.maxSegments = count;
        return this;
    }

    /**
     * Sealed segments whose last write is older than this are deleted (by file
     * modification time); the segment being written is kept whatever its age, and so is a
     * segment holding a record that a reader's {@link ArchiveCheckpoint} has not passed.
     * {@code null} for no limit; otherwise positive.
     */
    public ArchiveWriterBuilder maxAge(Duration age) {
        if (age != null && (age.isNegative() || age.isZero())) {
            throw new IllegalArgumentException("max age " + age + " must be positive (or null for no limit)");
        }
        this.maxAge = age;
        return this;
    }

    /**
     * Bytes of records collected before a write; a drain batch that fits is written with
     * one call, a larger one in buffer-sized writes. At least
     * {@value #MIN_WRITE_BUFFER_SIZE}; the writer uses at least one 32 KiB block.
     */
    public ArchiveWriterBuilder writeBufferSize(int bytes) {
        if (bytes < MIN_WRITE_BUFFER_SIZE) {
            throw new IllegalArgumentException(
                    "write buffer size " + bytes + " bytes is below " + MIN_WRITE_BUFFER_SIZE);
        }
        this.writeBufferSize = bytes;
        return this;
    }

    /**
     * Receives flush, rotation, retention, recovery and error events (for metrics and
     * logs).
     */
    public ArchiveWriterBuilder listener(ArchiveListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Source of wall-clock time for segment headers and age retention (tests use a fixed
     * clock).
     */
    public ArchiveWriterBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Opens the archive: creates the directory when missing, takes its lock, truncates a
     * torn tail of the last segment and applies retention.
     * @throws ArchiveException naming the path when the directory cannot be created,
     * written or locked
     * @throws ArchiveFormatException when the last segment is not a segment or its header
     * is damaged
     */
    public ArchiveWriter open() {
        return new ArchiveWriter(this);
    }

    /** Test seam: how segment files are opened for writing. */
    ArchiveWriterBuilder channelOpener(SegmentFiles.ChannelOpener opener) {
        this.channelOpener = Objects.requireNonNull(opener, "channel opener");
        return this;
    }

    SegmentFiles.ChannelOpener channelOpener() {
        return channelOpener;
    }

    Path directory() {
        return directory;
    }

    long segmentSize() {
        return segmentSize;
    }

    FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    Duration flushInterval() {
        return flushInterval;
    }

    int maxSegments() {
        return maxSegments;
    }

    Duration maxAge() {
        return maxAge;
    }

    int writeBufferSize() {
        return writeBufferSize;
    }

    ArchiveListener listener() {
        return listener;
    }

    Clock clock() {
        return clock;
    }

}
