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
 * Rotation, retention, recovery at open, framing and the durable waiters live in
 * {@link SegmentFiles}, {@link SegmentRetention}, {@link SegmentAppender} and
 * {@link DurableWaiters}; this class holds the batch and what undoing it needs.
 */
public final class ArchiveWriter implements RecordSink, RecordHandler, AutoCloseable {

    /** After a failed rotation, records go on to the current segment this long. */
    private static final long ROTATION_RETRY_MILLIS = 1000;

    private final Path directory;

    private final long segmentSizeLimit;

    private final FlushPolicy flushPolicy;

    private final long flushIntervalNanos;

    private final ArchiveListener listener;

    private final Clock clock;

    private final SegmentRetention retention;

    private final SegmentFiles files;

    private final SegmentAppender appender;

    private final FileChannel headChannel;

    private final DurableWaiters waiters = new DurableWaiters();

    private final ArchiveProblem recoveredTornTail;

    private final List<ArchiveProblem> recoveredDamage;

    // state of the archive (writer thread)
    private long segmentFirstSequence;

    private long nextSequence;

    private long ringId;

    private long ringIdOnDisk;

    private long storedRingId;

    private long storedPosition;

    private boolean unanchored;

    private java.security.MessageDigest recoveredChain;

    private boolean unforced;

    private long lastForceNanos;

    private long rotationRetryAtMillis = Long.MIN_VALUE;

    private boolean closed;

    // the batch in progress (writer thread)
    private BatchMark mark;

    private final List<FileChannel> sealedInBatch = new ArrayList<>();

    private final List<Path> sealedPathsInBatch = new ArrayList<>();

    private final List<Path> createdInBatch = new ArrayList<>();

    private int batchRecords;

    private int batchSkipped;

    private boolean handlerMode;

    private BatchMark pendingUndo;

    private long bytesWrittenTotal;

    /** Where the current segment's bytes of this batch begin. */
    private long batchSegmentStart;

    /** Segments sealed without a force (policy NONE): a force covers them too. */
    private final List<Path> sealedUnforced = new ArrayList<>();

    /**
     * Whether {@link #onStart} was called: a later call with another id is a ring switch.
     */
    private boolean started;

    // monitoring: written by the writer thread, volatile for readers on other threads
    private volatile long writtenSequence;

    private volatile long flushedSequence;

    private volatile long bytesWritten;

    private volatile int segmentCount;

    private volatile ArchiveException lastFailure;

    private volatile long recordsDropped;

    private volatile long recordsSkipped;

    ArchiveWriter(ArchiveWriterBuilder settings) {
        this.directory = settings.directory();
        this.segmentSizeLimit = settings.segmentSize();
        this.flushPolicy = settings.flushPolicy();
        this.flushIntervalNanos = settings.flushInterval().toNanos();
        this.listener = settings.listener();
        this.clock = settings.clock();
        this.retention = new SegmentRetention(settings.maxSegments(), settings.maxAge());
        this.appender = new SegmentAppender(settings.writeBufferSize());
        this.files = SegmentFiles.lock(directory, flushPolicy != FlushPolicy.NONE, settings.channelOpener());
        FileChannel head = null;
        try {
            SegmentFiles.Recovered recovered = files.recover(retention, listener, clock.millis(),
                    ArchiveHead.read(directory));
            head = ArchiveHead.open(directory);
            this.recoveredTornTail = recovered.tornTail();
            List<ArchiveProblem> damage = new ArrayList<>(recovered.keptDamage());
            if (recovered.lostRecords() > 0) {
                ArchiveProblem lost = new ArchiveProblem(ArchiveProblem.Kind.MISSING_RECORDS, recovered.path(),
                        recovered.resumeOffset(), 0,
                        SegmentScanner.missing(recovered.nextSequence() - recovered.lostRecords(),
                                recovered.nextSequence() - 1) + " (" + SegmentFormat.HEAD_FILE_NAME
                                + " says they were written; the newest"
                                + " segment was deleted or cut): their sequences are not used again");
                damage.add(lost);
                listener.onDamageKept(lost);
                this.recordsDropped = recovered.lostRecords();
            }
            this.recoveredDamage = List.copyOf(damage);
            appender.switchTo(recovered.channel(), recovered.path(), recovered.resumeOffset());
            appender.restoreChain(recovered.anchorValue(), recovered.running());
            this.recoveredChain = recovered.running();
            this.unanchored = recovered.running() != null;
            this.segmentFirstSequence = recovered.firstSequence();
            this.nextSequence = recovered.nextSequence();
            this.ringId = recovered.ringId();
            this.ringIdOnDisk = recovered.ringId();
            this.storedRingId = recovered.storedRingId();
            this.storedPosition = recovered.storedPosition();
            this.writtenSequence = nextSequence - 1;
            this.flushedSequence = nextSequence - 1;
            this.lastForceNanos = System.nanoTime();
            retention.apply(clock.millis(), listener, this::failure);
            this.segmentCount = retention.segmentCount();
        }
        catch (IOException e) {
            files.close();
            throw new ArchiveException(directory.resolve(SegmentFormat.HEAD_FILE_NAME),
                    "cannot open " + directory.resolve(SegmentFormat.HEAD_FILE_NAME) + ": " + e, e);
        }
        catch (RuntimeException e) {
            closeQuietly(head);
            files.close();
            throw e;
        }
        this.headChannel = head;
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
        if (mark == null) {
            beginBatch();
        }
        if (position != SegmentFormat.NO_POSITION && ringId != SegmentFormat.NO_RING && ringId == storedRingId
                && position <= storedPosition) {
            batchSkipped++;
            return;
        }
        if (length < 0 || length > SegmentFormat.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException(
                    "record length " + length + " is outside 0.." + SegmentFormat.MAX_PAYLOAD_LENGTH);
        }
        try {
            if (ringIdOnDisk != ringId) {
                appender.appendAnchor(ringId, nextSequence - 1, storedPosition);
                ringIdOnDisk = ringId;
                unanchored = false;
            }
            if (nextSequence > segmentFirstSequence
                    && appender.end() + SegmentFormat.recordFootprint(appender.end(), length) > segmentSizeLimit
                    && (rotationRetryAtMillis == Long.MIN_VALUE || clock.millis() >= rotationRetryAtMillis)) {
                rotate();
            }
            appender.appendRecord(buffer, offset, length, nextSequence, position);
        }
        catch (IOException e) {
            throw failBatch(e, 1);
        }
        nextSequence++;
        batchRecords++;
        unanchored = true;
        if (position != SegmentFormat.NO_POSITION) {
            storedRingId = ringId;
            storedPosition = position;
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
        if (mark == null && !unanchored && !appender.hasBuffered()) {
            // nothing taken since the last batch: only the time-driven work
            if (forceDue()) {
                try {
                    force();
                }
                catch (IOException e) {
                    throw failure(new ArchiveException(appender.path(),
                            "cannot force segment " + appender.path() + " to the device: " + e, e));
                }
                durable();
            }
            long now = clock.millis();
            if (retention.due(now)) {
                retention.apply(now, listener, this::failure);
                segmentCount = retention.segmentCount();
            }
            return;
        }
        if (mark == null) {
            beginBatch();
        }
        boolean forced = false;
        try {
            if (unanchored) {
                appender.appendAnchor(ringIdOnDisk, nextSequence - 1, storedPosition);
            }
            appender.writeBuffer();
            unforced |= batchRecords > 0;
            if (forceDue()) {
                force();
                forced = true;
            }
            if (batchRecords > 0) {
                new ArchiveHead(nextSequence - 1, storedRingId, storedPosition, appender.anchorValue())
                    .write(headChannel);
            }
        }
        catch (IOException e) {
            throw failBatch(e, 0);
        }
        commitBatch(forced);
    }

    private boolean forceDue() {
        long lastPosition = ringId == storedRingId ? storedPosition : SegmentFormat.NO_POSITION;
        return unforced && (flushPolicy == FlushPolicy.BATCH
                || (flushPolicy == FlushPolicy.INTERVAL && System.nanoTime() - lastForceNanos >= flushIntervalNanos)
                || waiters.lowestWaiting() <= lastPosition);
    }

    /** Publishes what the last force covered and answers the waiters it satisfies. */
    private void durable() {
        flushedSequence = writtenSequence;
        if (ringId == storedRingId) {
            waiters.durable(storedPosition);
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
                throw failure(new ArchiveException(appender.path(),
                        "cannot force segment " + appender.path() + " to the device: " + e, e));
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
            throw failure(new ArchiveException(appender.path(), "cannot force " + appender.path() + ": " + e, e));
        }
        finally {
            closed = true;
            waiters.close(new ArchiveException(directory,
                    "the archive writer on " + directory + " closed before the record was forced to the device"));
            closeQuietly(appender.channel());
            closeQuietly(headChannel);
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
        return appender.path();
    }

    /** The sequence the next record will get. Writer thread only. */
    public long nextSequence() {
        return nextSequence;
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

    private void beginBatch() {
        mark = new BatchMark(appender.path(), appender.channel(), segmentFirstSequence, appender.written(),
                nextSequence, ringIdOnDisk, storedRingId, storedPosition, appender.anchorValue(),
                unanchored ? recoveredChain : null, bytesWrittenTotal);
        batchRecords = 0;
        batchSkipped = 0;
        batchSegmentStart = appender.written();
    }

    private void commitBatch(boolean forced) {
        for (int i = 0; i < sealedInBatch.size(); i++) {
            closeQuietly(sealedInBatch.get(i));
            retention.addSealed(sealedPathsInBatch.get(i), clock.millis());
        }
        boolean rotated = !sealedInBatch.isEmpty();
        sealedInBatch.clear();
        sealedPathsInBatch.clear();
        createdInBatch.clear();
        unanchored = false;
        recoveredChain = null;
        bytesWrittenTotal += appender.end() - batchSegmentStart;
        bytesWritten = bytesWrittenTotal;
        writtenSequence = nextSequence - 1;
        if (batchSkipped > 0) {
            recordsSkipped += batchSkipped;
        }
        if (batchRecords > 0 || rotated) {
            lastFailure = null;
        }
        mark = null;
        handlerMode = false;
        long now = clock.millis();
        if (rotated || retention.due(now)) {
            retention.apply(now, listener, this::failure);
        }
        segmentCount = retention.segmentCount();
        if (forced) {
            durable();
        }
    }

    private void force() throws IOException {
        long start = System.nanoTime();
        for (Path sealed : sealedUnforced) {
            try (FileChannel channel = FileChannel.open(sealed, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            catch (java.nio.file.NoSuchFileException e) {
                // retention deleted it: nothing to keep
            }
        }
        sealedUnforced.clear();
        appender.force();
        long end = System.nanoTime();
        lastForceNanos = end;
        unforced = false;
        listener.onFlush(end - start, nextSequence - 1);
    }

    /**
     * Seals the current segment (anchor, write, force) and starts the next. When the next
     * cannot be created, records go on to the current segment and rotation is tried again
     * a second later.
     */
    private void rotate() throws IOException {
        if (unanchored) {
            appender.appendAnchor(ringIdOnDisk, nextSequence - 1, storedPosition);
            unanchored = false;
        }
        appender.writeBuffer();
        if (flushPolicy != FlushPolicy.NONE) {
            appender.force(); // a sealed segment is durable before its successor exists
        }
        else {
            sealedUnforced.add(appender.path()); // forced with the next force, if one
                                                 // comes
        }
        Path next;
        FileChannel channel;
        try {
            next = files.create(nextSequence, clock.millis(), ringIdOnDisk,
                    storedRingId == ringIdOnDisk ? storedPosition : SegmentFormat.NO_POSITION, appender.anchorValue());
        }
        catch (ArchiveException e) {
            rotationFailed(e);
            return;
        }
        try {
            channel = files.openForAppend(next, SegmentFormat.HEADER_LENGTH);
        }
        catch (ArchiveException e) {
            files.deleteQuietly(next); // a segment named after records that go elsewhere
            rotationFailed(e);
            return;
        }
        rotationRetryAtMillis = Long.MIN_VALUE;
        bytesWrittenTotal += appender.end() - batchSegmentStart;
        batchSegmentStart = SegmentFormat.HEADER_LENGTH;
        sealedInBatch.add(appender.channel());
        sealedPathsInBatch.add(appender.path());
        createdInBatch.add(next);
        appender.switchTo(channel, next, SegmentFormat.HEADER_LENGTH);
        segmentFirstSequence = nextSequence;
        listener.onSegmentCreated(next);
    }

    private void rotationFailed(ArchiveException e) {
        failure(e);
        rotationRetryAtMillis = clock.millis() + ROTATION_RETRY_MILLIS;
    }

    /**
     * A write or force of the batch failed: undo the batch and say so.
     * @param failingRecords records of the batch not yet counted in it (the one being
     * written)
     */
    private ArchiveException failBatch(IOException cause, int failingRecords) {
        Path segment = appender.path();
        int records = batchRecords + failingRecords;
        String message = "cannot write to segment " + segment + ": " + cause + "; ";
        if (handlerMode) {
            message += records + " records were not archived (taken as a RecordHandler, they are lost)";
            recordsDropped += records;
        }
        else {
            message += "the batch of " + records + " records is undone and stays in the ring to be written again";
        }
        BatchMark undo = mark;
        mark = null;
        handlerMode = false;
        try {
            undo(undo);
        }
        catch (IOException | ArchiveException undoFailed) {
            cause.addSuppressed(undoFailed);
            pendingUndo = undo;
            message += "; undoing it failed too (" + undoFailed + "), tried again before the next record";
        }
        return failure(new ArchiveException(segment, message, cause));
    }

    /** Puts the archive back as it was when the batch began. */
    private void undo(BatchMark undo) throws IOException {
        appender.discardBuffer();
        if (!undo.segment().equals(appender.path())) {
            closeQuietly(appender.channel());
            for (FileChannel sealed : sealedInBatch) {
                if (sealed != undo.channel()) {
                    closeQuietly(sealed);
                }
            }
            appender.switchTo(undo.channel(), undo.segment(), undo.length());
        }
        for (Path created : createdInBatch) {
            files.delete(created);
        }
        sealedInBatch.clear();
        sealedPathsInBatch.clear();
        createdInBatch.clear();
        appender.truncate(undo.length());
        if (flushPolicy != FlushPolicy.NONE) {
            appender.force(); // a cut the device forgets would bring undone records back
        }
        appender.restoreChain(undo.anchorValue(), undo.running());
        segmentFirstSequence = undo.segmentFirstSequence();
        nextSequence = undo.nextSequence();
        ringIdOnDisk = undo.ringIdOnDisk();
        storedRingId = undo.storedRingId();
        storedPosition = undo.storedPosition();
        unanchored = undo.running() != null;
        bytesWrittenTotal = undo.bytesWritten();
        unforced = true;
        pendingUndo = null;
    }

    private void undoPendingFailure() {
        if (pendingUndo == null) {
            return;
        }
        try {
            undo(pendingUndo);
        }
        catch (IOException | ArchiveException e) {
            throw failure(new ArchiveException(appender.path(), "the archive cannot take records: undoing a failed"
                    + " batch in " + appender.path() + " still fails: " + e, e));
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

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        }
        catch (IOException e) {
            // nothing more to release
        }
    }

}
