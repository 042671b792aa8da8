package dev.logbuf.archive;

import dev.logbuf.Consumer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RecordSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The archive as a ring's {@link RecordSink}: appends every record of a drain batch to
 * segment files in a directory ({@code docs/archive-format.md}) and makes the batch its
 * own only when {@link #endOfBatch()} returns.
 *
 * <pre>{@code
 * ArchiveWriter archive = ArchiveWriter.builder(dir).flushPolicy(FlushPolicy.BATCH).open();
 * DrainAgent agent = DrainAgent.builder(ring, ring.consumer()).sink(archive).build();
 * agent.start();
 * // a request thread that must know its record is on disk:
 * long position = claim.position(); claim.commit();
 * boolean onDisk = archive.awaitDurable(position, Duration.ofSeconds(2));
 * }</pre>
 *
 * <h2>Nothing lost on failure</h2> When a write or a force fails (a full disk), the
 * writer undoes the batch (cuts the segment back, deletes a segment the batch started,
 * restores the next sequence and the chain) and throws: the ring keeps the batch and
 * hands the same records again, and once space is back each lands once, in order, with no
 * sequence reused. An undo that itself fails is retried before the next record is taken.
 * {@link #recordsDropped()} counts what truly could not be kept.
 *
 * <h2>Exactly once across a crash</h2> Each record is stored with its ring position, and
 * the ring's id ({@link #onStart(long)}) is stored with the segments. Reopened on the
 * same file-backed ring, the writer skips the records the ring delivers again whose
 * position it already stored ({@link #recordsSkipped()}).
 *
 * <h2>Durable acknowledgement</h2> {@link #whenDurable(long)} and
 * {@link #awaitDurable(long, Duration)} wait until the record at a ring position is
 * forced to the device. At the end of a batch the writer forces when anyone waits for a
 * record written (whatever the flush policy): one force answers every waiter at or below
 * the position it covers (group commit).
 *
 * <h2>Threads</h2> {@code onStart}, {@code onRecord}, {@code endOfBatch}, {@code flush}
 * and {@code close} on one thread at a time (the drain thread). {@code whenDurable},
 * {@code awaitDurable} and the monitoring accessors from any thread.
 *
 * <p>
 * Framing lives in {@link SegmentAppender}, batches, rotation and undoing in
 * {@link SegmentBatches}, recovery at open in {@link SegmentFiles}, retention in
 * {@link SegmentRetention}, the waiters in {@link DurableWaiters}; this class decides
 * what to skip, when to force and what a failure means. It is above 400 lines because it
 * is the archive's public face: the sink contract, durable waiting and monitoring, each
 * with its contract written down; the code behind them is in the classes named above.
 */
public final class ArchiveWriter implements RecordSink, RecordHandler, AutoCloseable {

    private final Path directory;

    private final FlushPolicy flushPolicy;

    private final long flushIntervalNanos;

    private final ArchiveListener listener;

    private final Clock clock;

    private final SegmentRetention retention;

    private final SegmentFiles files;

    private final SegmentBatches batches;

    private final FileChannel headChannel;

    private final DurableWaiters waiters = new DurableWaiters();

    private final ArchiveProblem recoveredTornTail;

    private final List<ArchiveProblem> recoveredDamage;

    // writer thread
    private long ringId;

    /** Whether {@link #onStart} was called: a later call with another id is a switch. */
    private boolean started;

    private int batchSkipped;

    private boolean handlerMode;

    private boolean undoPending;

    private boolean unforced;

    private long lastForceNanos;

    private boolean closed;

    // monitoring: written by the writer thread only; each volatile write pairs with the
    // volatile read in its accessor on a monitoring thread
    private volatile long writtenSequence;

    private volatile long flushedSequence;

    private volatile long bytesWritten;

    private volatile int segmentCount;

    private volatile int segmentsHeld;

    private volatile ArchiveException lastFailure;

    private volatile long recordsDropped;

    private volatile long recordsSkipped;

    ArchiveWriter(ArchiveWriterBuilder settings) {
        this.directory = settings.directory();
        this.flushPolicy = settings.flushPolicy();
        this.flushIntervalNanos = settings.flushInterval().toNanos();
        this.listener = settings.listener();
        this.clock = settings.clock();
        this.retention = new SegmentRetention(directory, settings.maxSegments(), settings.maxAge());
        this.files = SegmentFiles.lock(directory, flushPolicy != FlushPolicy.NONE, settings.channelOpener());
        FileChannel head = null;
        try {
            ArchiveHead lastHead = null;
            ArchiveProblem headDamage = null;
            try {
                lastHead = ArchiveHead.read(directory);
            }
            catch (ArchiveFormatException e) {
                // the head is a cross-check, not the archive: report it and write a new
                // one
                headDamage = new ArchiveProblem(ArchiveProblem.Kind.CORRUPT_HEADER, e.path(), 0, ArchiveHead.LENGTH,
                        e.getMessage() + "; ignored, and written anew after the next batch");
                listener.onDamageKept(headDamage);
            }
            SegmentFiles.Recovered recovered = files.recover(retention, listener, clock.millis(), lastHead);
            head = ArchiveHead.open(directory);
            this.recoveredTornTail = recovered.tornTail();
            this.recoveredDamage = lostRecords(recovered, headDamage);
            this.batches = new SegmentBatches(files, new SegmentAppender(settings.writeBufferSize()), recovered,
                    settings.segmentSize(), flushPolicy != FlushPolicy.NONE, clock, listener, this::failure);
            this.ringId = recovered.ringId();
            this.writtenSequence = recovered.nextSequence() - 1;
            this.flushedSequence = recovered.nextSequence() - 1;
            this.lastForceNanos = System.nanoTime();
            // what the previous writer left may not be on the device yet (a killed
            // process): the first force due covers it, before any waiter is answered
            this.unforced = true;
            retention.apply(clock.millis(), SegmentFormat.firstSequenceOf(recovered.path()), listener, this::failure);
            this.segmentCount = retention.segmentCount();
            this.segmentsHeld = retention.segmentsHeld();
        }
        catch (IOException e) {
            files.close();
            Path file = directory.resolve(SegmentFormat.HEAD_FILE_NAME);
            throw new ArchiveException(file, "cannot open " + file + ": " + e, e);
        }
        catch (RuntimeException e) {
            SegmentBatches.closeQuietly(head);
            files.close();
            throw e;
        }
        this.headChannel = head;
    }

    /** The damage recovery kept, plus records the head names that no segment holds. */
    private List<ArchiveProblem> lostRecords(SegmentFiles.Recovered recovered, ArchiveProblem headDamage) {
        List<ArchiveProblem> damage = new ArrayList<>(recovered.keptDamage());
        if (headDamage != null) {
            damage.add(headDamage);
        }
        if (recovered.lostRecords() > 0) {
            long next = recovered.nextSequence();
            ArchiveProblem lost = new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, recovered.path(),
                    recovered.resumeOffset(), 0,
                    SegmentScanner.missing(next - recovered.lostRecords(), next - 1) + " ("
                            + SegmentFormat.HEAD_FILE_NAME + " says they were written; the newest segment was"
                            + " deleted or cut): their sequences are not used again");
            damage.add(lost);
            listener.onDamageKept(lost);
            this.recordsDropped = recovered.lostRecords();
        }
        return List.copyOf(damage);
    }

    /** Settings for a writer on {@code directory}, which is created when missing. */
    public static ArchiveWriterBuilder builder(Path directory) {
        return new ArchiveWriterBuilder(directory);
    }

    /** A writer on {@code directory} with the default settings. */
    public static ArchiveWriter open(Path directory) {
        return builder(directory).open();
    }

    /**
     * The ring whose records follow: positions handed to {@link #onRecord} are positions
     * of ring {@code ringId}. Records of the same ring whose position the archive already
     * holds are skipped from now on; a ring with another id starts afresh.
     */
    @Override
    public void onStart(long ringId) {
        ensureOpen();
        boolean switched = started && ringId != this.ringId;
        started = true;
        if (switched) {
            waiters.ringChanged(new ArchiveException(directory, "the archive in " + directory + " now drains ring "
                    + Long.toHexString(ringId) + ": positions of the previous ring are void"));
        }
        this.ringId = ringId;
    }

    /**
     * Takes one record of the batch: writes it to the buffer (and the buffer to the file
     * when full), or skips it when the archive already holds this ring position.
     * @throws ArchiveException when a write failed: the batch is undone, take it again
     * @throws IllegalArgumentException when the record is longer than a record can be
     */
    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
        ensureOpen();
        undoPendingFailure();
        if (!batches.inBatch()) {
            batches.begin();
            batchSkipped = 0;
        }
        if (position != SegmentFormat.NO_POSITION && ringId != SegmentFormat.NO_RING && ringId == batches.storedRingId()
                && position <= batches.storedPosition()) {
            batchSkipped++;
            return;
        }
        if (length < 0 || length > SegmentFormat.MAX_PAYLOAD_LENGTH) {
            IllegalArgumentException bad = new IllegalArgumentException(
                    "record length " + length + " is outside 0.." + SegmentFormat.MAX_PAYLOAD_LENGTH);
            // the ring hands the whole batch again: what was taken of it must go
            failBatch(new IOException(bad.getMessage()), 0);
            throw bad;
        }
        try {
            batches.append(buffer, offset, length, position, ringId);
        }
        catch (IOException e) {
            throw failBatch(e, 1);
        }
    }

    /**
     * Transitional: the {@link RecordHandler} form, for a caller that drains with
     * {@code Consumer.drain} and ends batches with {@link #endBatch()}. A handler's
     * records are consumed even when the write fails, so such failures count in
     * {@link #recordsDropped()}; feed the writer as a {@link RecordSink} instead.
     * @deprecated use it as a {@link RecordSink}; this form goes once the starter does
     */
    @Override
    @Deprecated(forRemoval = true)
    public void onRecord(ByteBuffer buffer, int offset, int length) {
        handlerMode = true;
        onRecord(buffer, offset, length, SegmentFormat.NO_POSITION);
    }

    /**
     * Ends the batch: anchors its records in the hash chain, writes them with one write
     * call (unless the buffer filled before), forces them when the {@link FlushPolicy}
     * says so or when anyone waits for one of them, updates {@code archive.head}, and
     * applies retention when due. Call it after every drain, also one that took nothing.
     * @throws ArchiveException when the write or the force failed: the batch is undone
     */
    @Override
    public void endOfBatch() {
        ensureOpen();
        undoPendingFailure();
        if (!batches.hasWork()) {
            // nothing taken since the last batch: only the time-driven work
            if (forceDue()) {
                try {
                    force();
                }
                catch (IOException e) {
                    throw failure(new ArchiveException(batches.currentSegment(),
                            "cannot force segment " + batches.currentSegment() + " to the device: " + e, e));
                }
                durable();
            }
            applyRetention(List.of());
            return;
        }
        if (!batches.inBatch()) {
            batches.begin();
            batchSkipped = 0;
        }
        boolean forced = false;
        int records = batches.records();
        try {
            batches.end();
            unforced |= records > 0;
            if (forceDue()) {
                force();
                forced = true;
            }
            if (records > 0) {
                new ArchiveHead(batches.nextSequence() - 1, batches.storedRingId(), batches.storedPosition(),
                        batches.anchorValue())
                    .write(headChannel);
            }
        }
        catch (IOException e) {
            throw failBatch(e, 0);
        }
        List<Path> sealed = batches.commit();
        bytesWritten = batches.bytesWritten();
        writtenSequence = batches.nextSequence() - 1;
        if (batchSkipped > 0) {
            recordsSkipped += batchSkipped;
        }
        if (records > 0 || !sealed.isEmpty()) {
            lastFailure = null;
        }
        handlerMode = false;
        applyRetention(sealed);
        if (forced) {
            durable();
        }
    }

    private void applyRetention(List<Path> sealed) {
        long now = clock.millis();
        for (Path segment : sealed) {
            retention.addSealed(segment, now);
        }
        if (!sealed.isEmpty() || retention.due(now)) {
            retention.apply(now, SegmentFormat.firstSequenceOf(batches.currentSegment()), listener, this::failure);
            segmentsHeld = retention.segmentsHeld();
        }
        segmentCount = retention.segmentCount();
    }

    private boolean forceDue() {
        long lastPosition = ringId == batches.storedRingId() ? batches.storedPosition() : SegmentFormat.NO_POSITION;
        return unforced && (flushPolicy == FlushPolicy.BATCH
                || (flushPolicy == FlushPolicy.INTERVAL && System.nanoTime() - lastForceNanos >= flushIntervalNanos)
                || waiters.lowestWaiting() <= lastPosition);
    }

    /** Publishes what the last force covered and answers the waiters it satisfies. */
    private void durable() {
        flushedSequence = writtenSequence;
        if (ringId == batches.storedRingId()) {
            waiters.durable(batches.storedPosition());
        }
    }

    /** Transitional name of {@link #endOfBatch()}. */
    @Deprecated(forRemoval = true)
    public void endBatch() {
        endOfBatch();
    }

    /**
     * One drain step: {@code consumer.drainTo(this, limit)}, which ends the batch and
     * releases it from the ring only once it is written.
     * @return the records drained
     * @throws ArchiveException when writing failed (the records stay in the ring)
     */
    public int drain(Consumer consumer, int limit) {
        return consumer.drainTo(this, limit);
    }

    /** Writes what is buffered and forces everything written, whatever the policy. */
    public void flush() {
        ensureOpen();
        endOfBatch();
        if (unforced) {
            try {
                force();
            }
            catch (IOException e) {
                throw failure(new ArchiveException(batches.currentSegment(),
                        "cannot force segment " + batches.currentSegment() + " to the device: " + e, e));
            }
            durable();
        }
    }

    /**
     * Ends an open batch (writes it), forces unless the policy is
     * {@link FlushPolicy#NONE}, answers every durable waiter still waiting with a
     * failure, and releases the files. A second call does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            undoPendingFailure();
            endOfBatch();
            if (unforced && flushPolicy != FlushPolicy.NONE) {
                force();
                durable();
            }
        }
        catch (IOException e) {
            throw failure(new ArchiveException(batches.currentSegment(),
                    "cannot force " + batches.currentSegment() + ": " + e, e));
        }
        finally {
            closed = true;
            waiters.close(new ArchiveException(directory,
                    "the archive writer on " + directory + " closed before the record was forced to the device"));
            batches.close();
            SegmentBatches.closeQuietly(headChannel);
            files.close();
        }
    }

    /**
     * A future completed once the record at ring {@code position} of the drained ring is
     * forced to the device (at once when it already is); completed exceptionally when the
     * writer closes first. Any thread; it does not block.
     */
    public CompletableFuture<Void> whenDurable(long position) {
        return waiters.register(position);
    }

    /**
     * Waits (without spinning) until the record at ring {@code position} is forced to the
     * device.
     * @return true once it is, false when {@code timeout} passed first
     * @throws ArchiveException when the writer closed before it was forced
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitDurable(long position, Duration timeout) throws InterruptedException {
        try {
            whenDurable(position).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException e) {
            return false;
        }
        catch (ExecutionException e) {
            throw e.getCause() instanceof ArchiveException archive ? archive : new ArchiveException(directory,
                    "waiting for position " + position + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The highest ring position whose record (and every one before it) is forced to the
     * device; -1 before the first force. Any thread.
     */
    public long durablePosition() {
        return waiters.durablePosition();
    }

    /**
     * Records the writer accepted that the archive does not hold and that no retry will
     * bring: records of a failed batch taken through the transitional
     * {@link RecordHandler} form, and records {@code archive.head} said were written that
     * opening found missing. Stays 0 while the writer is fed as a {@link RecordSink} on a
     * sound disk. Any thread.
     */
    public long recordsDropped() {
        return recordsDropped;
    }

    /**
     * Records skipped because the archive already held their ring position (a reopened
     * file-backed ring delivering them again). Any thread.
     */
    public long recordsSkipped() {
        return recordsSkipped;
    }

    public Path directory() {
        return directory;
    }

    /** The segment records are appended to now. */
    public Path currentSegment() {
        return batches.currentSegment();
    }

    /** The sequence the next record will get. Writer thread only. */
    public long nextSequence() {
        return batches.nextSequence();
    }

    /**
     * Sequence of the last record of the last batch written; -1 when none. Any thread.
     */
    public long writtenSequence() {
        return writtenSequence;
    }

    /** Sequence of the last record forced to the device; -1 when none. Any thread. */
    public long flushedSequence() {
        return flushedSequence;
    }

    /**
     * Bytes of chunks (padding included) this writer wrote since it opened. Any thread.
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Segment files in the directory, the current one included. Any thread. */
    public int segmentCount() {
        return segmentCount;
    }

    /**
     * Segments that {@link ArchiveWriterBuilder#maxSegments maxSegments} or
     * {@link ArchiveWriterBuilder#maxAge maxAge} say should be deleted and that are kept
     * because a reader's {@link ArchiveCheckpoint} has not passed their records (a
     * shipper whose destination is away): 0 while retention keeps to its limits. Any
     * thread.
     */
    public int segmentsHeld() {
        return segmentsHeld;
    }

    /** The last failure, until a batch succeeds again; empty when healthy. Any thread. */
    public Optional<ArchiveException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** What opening cut from the last segment's torn tail; empty when it was whole. */
    public Optional<ArchiveProblem> recoveredTornTail() {
        return Optional.ofNullable(recoveredTornTail);
    }

    /** Damage opening found at the end of the archive and kept in place (reported). */
    public List<ArchiveProblem> recoveredDamage() {
        return recoveredDamage;
    }

    private void force() throws IOException {
        long start = System.nanoTime();
        batches.force();
        long end = System.nanoTime();
        lastForceNanos = end;
        unforced = false;
        listener.onFlush(end - start, batches.nextSequence() - 1);
    }

    /**
     * A write or force of the batch failed: undo the batch and say so.
     * @param failingRecords records not yet counted in the batch (the one being written)
     */
    private ArchiveException failBatch(IOException cause, int failingRecords) {
        Path segment = batches.currentSegment();
        int records = batches.records() + failingRecords;
        String message = "cannot write to segment " + segment + ": " + cause + "; ";
        if (handlerMode) {
            message += records + " records were not archived (taken as a RecordHandler, they are lost)";
            recordsDropped += records;
        }
        else {
            message += "the batch of " + records + " records is undone and stays in the ring to be written again";
        }
        handlerMode = false;
        try {
            batches.undo();
            unforced = true;
            // a full disk: segments a checkpoint held may be free to go by now, and
            // deleting them is what lets the batch through when the ring hands it again
            applyRetention(List.of());
        }
        catch (IOException | ArchiveException undoFailed) {
            cause.addSuppressed(undoFailed);
            undoPending = true;
            message += "; undoing it failed too (" + undoFailed + "), tried again before the next record";
        }
        return failure(new ArchiveException(segment, message, cause));
    }

    private void undoPendingFailure() {
        if (!undoPending) {
            return;
        }
        try {
            batches.undo();
            undoPending = false;
            unforced = true;
        }
        catch (IOException | ArchiveException e) {
            throw failure(new ArchiveException(batches.currentSegment(), "the archive cannot take records: undoing a"
                    + " failed batch in " + batches.currentSegment() + " still fails: " + e, e));
        }
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
