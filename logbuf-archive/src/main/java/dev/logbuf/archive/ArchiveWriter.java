package dev.logbuf.archive;

import static dev.logbuf.archive.SegmentFormat.FRAME_CHECKSUM_START;
import static dev.logbuf.archive.SegmentFormat.FRAME_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.FRAME_HEADER_LENGTH;
import static dev.logbuf.archive.SegmentFormat.FRAME_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.FRAME_SEQUENCE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.HEADER_LENGTH;

import dev.logbuf.Consumer;
import dev.logbuf.RecordHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link RecordHandler} that appends every record it is handed to segment files in a
 * directory, each record framed with its length, its sequence and a CRC-32C
 * ({@code docs/archive-format.md}).
 *
 * <h2>Use from a drain loop</h2> <pre>{@code
 * try (ArchiveWriter archive = ArchiveWriter.builder(dir).flushPolicy(FlushPolicy.BATCH).open()) {
 *     while (running) {
 *         consumer.drain(archive, 256);
 *         archive.endBatch();   // after every drain call, also when it drained nothing
 *     }
 * }
 * }</pre> {@link #onRecord} only copies the record into a batch buffer;
 * {@link #endBatch()} writes the whole batch with one {@link FileChannel#write} and
 * applies the {@link FlushPolicy}. A record counts as archived once the
 * {@code endBatch()} after it has returned (durable once {@link #flushedSequence()}
 * covers it). Rotation can cut a batch into two writes; a batch larger than the write
 * buffer is written in buffer-sized pieces.
 *
 * <h2>Sequences, rotation, retention, recovery</h2> Records are numbered from 0, one more
 * per record, for the archive's lifetime. A new segment starts when the next record would
 * take the current one past the segment size (a record larger than a segment gets a
 * segment of its own). Retention deletes the oldest sealed segments beyond the maximum
 * count or older than the maximum age, checked at open, at rotation and at
 * {@code endBatch()}. Opening an existing archive continues it: a torn tail in the last
 * segment (a crash during a write) is truncated to the last whole valid record and
 * numbering continues after it, so no record is duplicated or renumbered.
 *
 * <h2>Errors</h2> Every failure is an {@link ArchiveException} naming the file. When a
 * write fails (disk full, I/O error), the records of the failed write are dropped, the
 * segment is truncated back to its last whole record, their sequence numbers are reused,
 * the exception is thrown to the caller (through {@code Consumer.drain} or
 * {@code endBatch()}) and stays visible in {@link #lastFailure()} until a later write
 * succeeds; the writer keeps working once the cause is gone. When the next segment cannot
 * be created, records keep going to the current one (past its size) and rotation is tried
 * again a second later. Only one writer may hold a directory (a lock file).
 *
 * <h2>Threads</h2> One thread at a time may write, end batches, flush and close (the
 * drain thread). The monitoring accessors ({@link #flushedSequence()},
 * {@link #writtenSequence()}, {@link #bytesWritten()}, {@link #segmentCount()},
 * {@link #lastFailure()}) may be read from any thread.
 *
 * <p>
 * This class is above 400 lines because the write path, rotation and recovery share the
 * segment state and are easiest to check together; the layout and retention live in their
 * own classes.
 */
public final class ArchiveWriter implements RecordHandler, AutoCloseable {

    /**
     * After a failed rotation, records go on to the current segment for this long before
     * the next try.
     */
    private static final long ROTATION_RETRY_MILLIS = 1000;

    private final Path directory;

    private final long segmentSizeLimit;

    private final FlushPolicy flushPolicy;

    private final long flushIntervalNanos;

    private final ArchiveListener listener;

    private final Clock clock;

    private final SegmentRetention retention;

    private final SegmentFiles files;

    private final ByteBuffer batch;

    private final ByteBuffer crcView;

    private final ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

    private final CRC32C crc = new CRC32C();

    private FileChannel segment;

    private Path segmentPath;

    private long segmentFirstSequence;

    /** Bytes of the current segment on disk plus those waiting in the batch buffer. */
    private long segmentLength;

    /** Bytes of the current segment handed to the operating system. */
    private long segmentWrittenLength;

    private long nextSequence;

    private boolean unforced;

    private long lastForceNanos;

    private boolean closed;

    /**
     * Clock millis before which no rotation is tried again; {@code Long.MIN_VALUE} when
     * none failed.
     */
    private long rotationRetryAtMillis = Long.MIN_VALUE;

    // monitoring, written by the writer's thread only: volatile for readers on other
    // threads
    private volatile long writtenSequence;

    private volatile long flushedSequence;

    private volatile long bytesWritten;

    private volatile int segmentCount;

    private volatile ArchiveException lastFailure;

    private final ArchiveProblem recoveredTornTail;

    ArchiveWriter(ArchiveWriterBuilder settings) {
        this.directory = settings.directory();
        this.segmentSizeLimit = settings.segmentSize();
        this.flushPolicy = settings.flushPolicy();
        this.flushIntervalNanos = settings.flushInterval().toNanos();
        this.listener = settings.listener();
        this.clock = settings.clock();
        this.retention = new SegmentRetention(settings.maxSegments(), settings.maxAge());
        this.batch = ByteBuffer.allocateDirect(settings.writeBufferSize()).order(ByteOrder.LITTLE_ENDIAN);
        this.crcView = batch.duplicate();
        this.files = SegmentFiles.lock(directory, flushPolicy != FlushPolicy.NONE, settings.channelOpener());
        try {
            SegmentFiles.Recovered recovered = files.recover(retention, listener, clock.millis());
            this.recoveredTornTail = recovered.tornTail();
            this.segment = recovered.channel();
            this.segmentPath = recovered.path();
            this.segmentFirstSequence = recovered.firstSequence();
            this.nextSequence = recovered.nextSequence();
            this.segmentLength = recovered.length();
            this.segmentWrittenLength = recovered.length();
            this.writtenSequence = nextSequence - 1;
            this.flushedSequence = nextSequence - 1;
            this.segmentCount = retention.segmentCount();
            this.lastForceNanos = System.nanoTime();
            retention.apply(clock.millis(), listener, this::retentionFailed);
            this.segmentCount = retention.segmentCount();
        }
        catch (RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** Settings for a writer on {@code directory}, which is created when missing. */
    public static ArchiveWriterBuilder builder(Path directory) {
        return new ArchiveWriterBuilder(directory);
    }

    /**
     * A writer on {@code directory} with the default settings (see
     * {@link ArchiveWriterBuilder}).
     */
    public static ArchiveWriter open(Path directory) {
        return builder(directory).open();
    }

    /**
     * Appends one record to the batch; it reaches the file at the next
     * {@link #endBatch()} (or earlier when the write buffer fills or the segment
     * rotates).
     * @throws ArchiveException when a write this record caused failed
     * @throws IllegalStateException after {@link #close()}
     * @throws IllegalArgumentException when the record is longer than a frame can
     * describe
     */
    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length) {
        ensureOpen();
        if (length < 0 || length > SegmentFormat.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException(
                    "record length " + length + " is outside 0.." + SegmentFormat.MAX_PAYLOAD_LENGTH);
        }
        int frameLength = FRAME_HEADER_LENGTH + length;
        if (segmentLength + frameLength > segmentSizeLimit && nextSequence > segmentFirstSequence
                && (rotationRetryAtMillis == Long.MIN_VALUE || clock.millis() >= rotationRetryAtMillis)) {
            writeBatch();
            rotate();
        }
        if (frameLength > batch.remaining()) {
            writeBatch();
            if (frameLength > batch.capacity()) {
                writeLargeRecord(buffer, offset, length);
                return;
            }
        }
        int frame = batch.position();
        batch.putInt(frame + FRAME_LENGTH_OFFSET, length)
            .putLong(frame + FRAME_SEQUENCE_OFFSET, nextSequence)
            .put(frame + FRAME_HEADER_LENGTH, buffer, offset, length);
        crcView.limit(frame + frameLength).position(frame + FRAME_CHECKSUM_START);
        crc.reset();
        crc.update(crcView);
        batch.putInt(frame + FRAME_CRC_OFFSET, (int) crc.getValue());
        batch.position(frame + frameLength);
        segmentLength += frameLength;
        nextSequence++;
    }

    /**
     * Ends a drain batch: writes the buffered records with one write call and forces them
     * to the device when the {@link FlushPolicy} says so; also applies age retention when
     * due. Call it after every {@code Consumer.drain} call, including those that drained
     * nothing.
     * @throws ArchiveException when the write or the force failed
     */
    public void endBatch() {
        ensureOpen();
        writeBatch();
        if (unforced && (flushPolicy == FlushPolicy.BATCH
                || (flushPolicy == FlushPolicy.INTERVAL && System.nanoTime() - lastForceNanos >= flushIntervalNanos))) {
            force();
        }
        long now = clock.millis();
        if (retention.due(now)) {
            retention.apply(now, listener, this::retentionFailed);
            segmentCount = retention.segmentCount();
        }
    }

    /**
     * One step of a drain loop: {@code consumer.drain(this, limit)} followed by
     * {@link #endBatch()}, also when nothing was drained (so {@link FlushPolicy#INTERVAL}
     * and age retention make progress).
     * @return the number of records drained
     * @throws ArchiveException when writing or forcing failed (the drained records are
     * consumed either way)
     */
    public int drain(Consumer consumer, int limit) {
        int drained;
        try {
            drained = consumer.drain(this, limit);
        }
        catch (RuntimeException e) {
            try {
                endBatch(); // the records before the failing one were consumed: write
                            // them
            }
            catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        endBatch();
        return drained;
    }

    /**
     * Writes the buffered records and forces everything written to the device, whatever
     * the policy.
     */
    public void flush() {
        ensureOpen();
        writeBatch();
        if (unforced) {
            force();
        }
    }

    /**
     * Writes the buffered records, forces them to the device unless the policy is
     * {@link FlushPolicy#NONE}, and closes the segment and the directory lock. A second
     * call does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            writeBatch();
            if (unforced && flushPolicy != FlushPolicy.NONE) {
                force();
            }
        }
        finally {
            closed = true;
            try {
                segment.close();
            }
            catch (IOException e) {
                throw failure(new ArchiveException(segmentPath, "cannot close segment " + segmentPath + ": " + e, e));
            }
            finally {
                files.close();
            }
        }
    }

    /** The archive directory. */
    public Path directory() {
        return directory;
    }

    /** The segment records are appended to now. */
    public Path currentSegment() {
        return segmentPath;
    }

    /** The sequence the next record will get. Writer thread only. */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * Sequence of the last record handed to the operating system; -1 when none yet. Any
     * thread.
     */
    public long writtenSequence() {
        return writtenSequence;
    }

    /**
     * Sequence of the last record forced to the device (it survives a power loss); -1
     * when none. Any thread.
     */
    public long flushedSequence() {
        return flushedSequence;
    }

    /**
     * Bytes (frames, segment headers excluded) written by this writer since it was
     * opened. Any thread.
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Segment files in the directory, the current one included. Any thread. */
    public int segmentCount() {
        return segmentCount;
    }

    /**
     * The last write, force or retention failure, until a later write succeeds; empty
     * when healthy. Any thread: this is what a health check reports.
     */
    public Optional<ArchiveException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * What opening cut from the last segment's torn tail; empty when its tail was whole.
     */
    public Optional<ArchiveProblem> recoveredTornTail() {
        return Optional.ofNullable(recoveredTornTail);
    }

    private void writeBatch() {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        int bytes = batch.remaining();
        try {
            while (batch.hasRemaining()) {
                segment.write(batch);
            }
        }
        catch (IOException e) {
            batch.clear();
            throw writeFailed(e, bytes);
        }
        batch.clear();
        written(bytes);
    }

    private void writeLargeRecord(ByteBuffer buffer, int offset, int length) {
        ByteBuffer payload = buffer.duplicate().limit(offset + length).position(offset);
        frameHeader.clear();
        frameHeader.putInt(FRAME_LENGTH_OFFSET, length).putLong(FRAME_SEQUENCE_OFFSET, nextSequence);
        crc.reset();
        crc.update(frameHeader.duplicate().position(FRAME_CHECKSUM_START));
        crc.update(payload.duplicate());
        frameHeader.putInt(FRAME_CRC_OFFSET, (int) crc.getValue());
        int frameLength = FRAME_HEADER_LENGTH + length;
        segmentLength += frameLength;
        nextSequence++;
        ByteBuffer[] frame = { frameHeader, payload };
        try {
            while (payload.hasRemaining()) {
                segment.write(frame);
            }
        }
        catch (IOException e) {
            throw writeFailed(e, frameLength);
        }
        written(frameLength);
    }

    private void written(int bytes) {
        segmentWrittenLength += bytes;
        bytesWritten += bytes;
        writtenSequence = nextSequence - 1;
        unforced = true;
        lastFailure = null;
    }

    /**
     * Drops the records of the failed write, puts the segment back to its last whole
     * record, reuses their sequences.
     */
    private ArchiveException writeFailed(IOException cause, int bytes) {
        long droppedRecords = nextSequence - 1 - writtenSequence;
        nextSequence = writtenSequence + 1;
        segmentLength = segmentWrittenLength;
        String message = "cannot write " + bytes + " bytes to segment " + segmentPath + ": " + cause + "; "
                + droppedRecords + " records were not archived";
        try {
            segment.truncate(segmentWrittenLength);
            segment.position(segmentWrittenLength);
        }
        catch (IOException truncateFailed) {
            cause.addSuppressed(truncateFailed);
            message += "; the segment could not be truncated back to " + segmentWrittenLength + " bytes";
        }
        return failure(new ArchiveException(segmentPath, message, cause));
    }

    private void force() {
        long start = System.nanoTime();
        try {
            segment.force(false);
        }
        catch (IOException e) {
            throw failure(new ArchiveException(segmentPath,
                    "cannot force segment " + segmentPath + " to the device: " + e, e));
        }
        long end = System.nanoTime();
        lastForceNanos = end;
        unforced = false;
        flushedSequence = writtenSequence;
        listener.onFlush(end - start, writtenSequence);
    }

    /**
     * Seals the current segment and starts the next. When the next segment cannot be
     * created, the failure is reported ({@link #lastFailure()}, the listener) and records
     * keep going to the current segment, past its size, rather than being lost; rotation
     * is tried again a second later.
     */
    private void rotate() {
        if (unforced && flushPolicy != FlushPolicy.NONE) {
            force(); // a sealed segment is durable before its successor exists
        }
        Path next;
        FileChannel nextChannel;
        try {
            next = files.create(nextSequence, clock.millis());
        }
        catch (ArchiveException e) {
            failure(e);
            rotationRetryAtMillis = clock.millis() + ROTATION_RETRY_MILLIS;
            return;
        }
        try {
            nextChannel = files.openForAppend(next, HEADER_LENGTH);
        }
        catch (ArchiveException e) {
            // an empty segment named after records that go elsewhere would mislead
            // recovery: remove it
            files.deleteQuietly(next);
            failure(e);
            rotationRetryAtMillis = clock.millis() + ROTATION_RETRY_MILLIS;
            return;
        }
        rotationRetryAtMillis = Long.MIN_VALUE;
        Path sealed = segmentPath;
        FileChannel sealedChannel = segment;
        segment = nextChannel;
        segmentPath = next;
        segmentFirstSequence = nextSequence;
        segmentLength = HEADER_LENGTH;
        segmentWrittenLength = HEADER_LENGTH;
        retention.addSealed(sealed, clock.millis());
        listener.onSegmentCreated(next);
        try {
            sealedChannel.close();
        }
        catch (IOException e) {
            failure(new ArchiveException(sealed, "cannot close sealed segment " + sealed + ": " + e, e));
        }
        retention.apply(clock.millis(), listener, this::retentionFailed);
        segmentCount = retention.segmentCount();
    }

    private void retentionFailed(ArchiveException e) {
        failure(e);
    }

    private ArchiveException failure(ArchiveException e) {
        lastFailure = e;
        listener.onError(e);
        return e;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("archive writer on " + directory + " is closed");
        }
    }

}
