package dev.logbuf.spring.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.logbuf.RecordSink;
import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveListener;
import dev.logbuf.archive.ArchiveProblem;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.ArchiveWriterBuilder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The built-in archive of one ring ({@code logbuf.rings.<name>.archive.*}): opens a new
 * {@link ArchiveWriter} each time the ring's drain loop starts (the writer itself is the
 * loop's {@link RecordSink}, and the loop closes it when it stops, which releases the
 * directory's lock), lets request threads wait until their record is on the device
 * ({@link #awaitDurable}), and tells health, meters and the endpoint how the archive is
 * doing, over every writer opened since the application started.
 *
 * <p>
 * Threads: {@link #open()} is called by the drain lifecycle's {@code start()},
 * {@link #closed} by the drain thread after it closed the writer; the writer takes
 * records on the drain thread only. Every other method may be called from any thread.
 * Failures reach the ring's drain listener, the one place they are logged.
 */
public final class RingArchive {

    private static final Log logger = LogFactory.getLog(RingArchive.class);

    private final String ringName;

    private final ArchiveSettings settings;

    private final Supplier<List<ArchiveWriterCustomizer>> customizers;

    private final RingDrainListener failures;

    private final LongSupplier producerPosition;

    private final List<LongConsumer> flushObservers = new CopyOnWriteArrayList<>();

    private final ArchiveListener listener = new Listener();

    /**
     * The writer of the current (or last) run with the totals of the runs before it,
     * replaced as one value, so that monitoring reads a consistent set. Written under
     * {@code this}; the volatile write pairs with the volatile reads of the monitoring
     * methods.
     */
    private volatile Writers writers = new Writers(null, false, 0, 0, 0);

    /**
     * @param ringName the ring's name
     * @param settings its checked archive settings
     * @param customizers the {@link ArchiveWriterCustomizer} beans, looked up at each
     * open
     * @param failures where the archive's failures are logged
     * @param producerPosition the ring's producer position, to refuse waiting for a
     * position no record has
     */
    RingArchive(String ringName, ArchiveSettings settings, Supplier<List<ArchiveWriterCustomizer>> customizers,
            RingDrainListener failures, LongSupplier producerPosition) {
        this.ringName = ringName;
        this.settings = settings;
        this.customizers = customizers;
        this.failures = failures;
        this.producerPosition = producerPosition;
    }

    /**
     * The archive's settings.
     * @return the settings
     */
    public ArchiveSettings settings() {
        return this.settings;
    }

    /**
     * The archive directory as configured.
     * @return the directory
     */
    public Path directory() {
        return this.settings.directory();
    }

    /**
     * Whether the archive is open (its drain loop has started and not ended).
     * @return whether it is open
     */
    public boolean isOpen() {
        return this.writers.open;
    }

    /**
     * Bytes of chunks (headers, anchors and block padding included) written to segments
     * since the application started (all opens together).
     * @return the bytes
     */
    public long bytesWritten() {
        Writers writers = this.writers;
        return writers.bytesWritten + ((writers.current != null) ? writers.current.bytesWritten() : 0);
    }

    /**
     * Records the archive took that it does not hold and that no retry brings back, since
     * the application started: records {@code archive.head} named that opening found
     * missing (the newest segment deleted or cut by hand). Stays 0 on a sound disk, full
     * or not: a failing write keeps its batch in the ring.
     * @return the count
     */
    public long recordsDropped() {
        Writers writers = this.writers;
        return writers.recordsDropped + ((writers.current != null) ? writers.current.recordsDropped() : 0);
    }

    /**
     * Records a reopened file-backed ring delivered again that the archive already held,
     * skipped (exactly once across a crash), since the application started.
     * @return the count
     */
    public long recordsSkipped() {
        Writers writers = this.writers;
        return writers.recordsSkipped + ((writers.current != null) ? writers.current.recordsSkipped() : 0);
    }

    /**
     * The highest ring position whose record, and every record before it, the open
     * archive has forced to the device; -1 before its first force and while it is not
     * open.
     * @return the position
     */
    public long durablePosition() {
        Writers writers = this.writers;
        return (writers.open) ? writers.current.durablePosition() : -1;
    }

    /**
     * Segment files in the directory, the one being written included; 0 before the first
     * open.
     * @return the segment count
     */
    public int segmentCount() {
        ArchiveWriter writer = this.writers.current;
        return (writer != null) ? writer.segmentCount() : 0;
    }

    /**
     * Segments retention keeps over its limits because a checkpoint (a Kafka shipper's)
     * still needs them: records not yet shipped; 0 before the first open.
     * @return the segments held
     */
    public int segmentsHeld() {
        ArchiveWriter writer = this.writers.current;
        return (writer != null) ? writer.segmentsHeld() : 0;
    }

    /**
     * Sequence of the last record handed to the operating system, -1 when none; empty
     * before the first open.
     * @return the sequence
     */
    public Optional<Long> writtenSequence() {
        return Optional.ofNullable(this.writers.current).map(ArchiveWriter::writtenSequence);
    }

    /**
     * Sequence of the last record forced to the device, -1 when none; empty before the
     * first open.
     * @return the sequence
     */
    public Optional<Long> flushedSequence() {
        return Optional.ofNullable(this.writers.current).map(ArchiveWriter::flushedSequence);
    }

    /**
     * What the last open found and kept or cut: damage kept in place (reported by
     * {@code ArchiveTool verify}), records {@code archive.head} named that no segment
     * holds, and a torn tail cut; empty before the first open and for a whole archive.
     * @return the problems, each as its message
     */
    public List<String> recoveredProblems() {
        ArchiveWriter writer = this.writers.current;
        if (writer == null) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        writer.recoveredDamage().forEach((damage) -> problems.add(damage.message()));
        writer.recoveredTornTail().ifPresent((cut) -> problems.add(cut.message()));
        return problems;
    }

    /**
     * Why the open archive cannot write, or empty when it can (or is not open): the
     * writer's last failure until a later write succeeds, or an archive directory that
     * has been removed or replaced, so that records go to a segment file no longer in it.
     * @return the reason
     */
    public Optional<String> failure() {
        Writers writers = this.writers;
        if (!writers.open) {
            return Optional.empty();
        }
        Optional<ArchiveException> failure = writers.current.lastFailure();
        if (failure.isPresent()) {
            return Optional.of(failure.get().getMessage());
        }
        if (!Files.isDirectory(directory())) {
            return Optional.of("archive directory " + directory().toAbsolutePath()
                    + " is gone or no longer a directory: records go to a segment file that is no longer in it");
        }
        return Optional.empty();
    }

    /**
     * A future completed once the record at ring {@code position} (a
     * {@code WriteClaim.position()} of this ring, its claim committed) is in the archive
     * and forced to the device, whatever the flush policy: the writer forces at the end
     * of a batch that wrote a record someone waits for, one force for every waiter of the
     * batch (group commit). It completes exceptionally with an {@link ArchiveException}
     * when the drain loop stops first (the record then stays in the ring, or in a
     * file-backed ring's file, and is archived by a later run). The caller bounds the
     * wait: {@code future.orTimeout(...)}, or {@link #awaitDurable}.
     * @param position the record's ring position
     * @return the future
     * @throws IllegalArgumentException when no record of the ring was claimed at
     * {@code position}'s range (negative, or not below the producer position)
     * @throws IllegalStateException when the archive is not open (the drain loop is not
     * running)
     */
    public CompletableFuture<Void> whenDurable(long position) {
        return openWriter(position).whenDurable(position);
    }

    /**
     * Waits (without spinning) until the record at ring {@code position} is in the
     * archive and forced to the device; see {@link #whenDurable}.
     * @param position the record's ring position ({@code WriteClaim.position()})
     * @param timeout how long to wait at most
     * @return {@code true} once it is durable, {@code false} when {@code timeout} passed
     * first (the record stays in the ring and is archived later)
     * @throws IllegalArgumentException when {@code position} is negative or not below the
     * producer position
     * @throws IllegalStateException when the archive is not open
     * @throws ArchiveException when the drain loop stopped before the record was forced
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitDurable(long position, Duration timeout) throws InterruptedException {
        return openWriter(position).awaitDurable(position, timeout);
    }

    private ArchiveWriter openWriter(long position) {
        long producerPosition = this.producerPosition.getAsLong();
        if (position < 0 || position >= producerPosition) {
            throw new IllegalArgumentException("Logbuf ring '" + this.ringName + "' has no record at position "
                    + position + ": its records so far are at positions from 0 to below " + producerPosition
                    + "; wait for the WriteClaim.position() of a claim you committed");
        }
        Writers writers = this.writers;
        if (!writers.open) {
            throw new IllegalStateException("Logbuf ring '" + this.ringName + "': the archive in "
                    + directory().toAbsolutePath() + " is not open (the ring's drain loop is not running), so no"
                    + " record can become durable now; the record stays in the ring");
        }
        return writers.current;
    }

    /**
     * Adds an observer of forces to the device ({@code fsync}), called on the drain
     * thread with the time each took in nanoseconds.
     * @param durationNanos the observer
     */
    public void onFlush(LongConsumer durationNanos) {
        this.flushObservers.add(durationNanos);
    }

    /**
     * Opens (or continues) the archive with a new writer: the directory is created when
     * missing, a torn tail left by a crash is cut, damage is kept and logged.
     * @return the writer, the drain loop's sink; the loop closes it when it stops (it
     * writes, forces and releases the directory) and then calls {@link #closed}
     * @throws ArchiveOpenException naming the ring and the directory when the archive
     * cannot be opened there
     */
    synchronized ArchiveWriter open() {
        ArchiveWriterBuilder builder = ArchiveWriter.builder(directory())
            .segmentSize(this.settings.segmentSize())
            .flushPolicy(this.settings.flush())
            .flushInterval(this.settings.flushInterval())
            .maxSegments((this.settings.maxSegments() != null) ? this.settings.maxSegments() : 0)
            .maxAge(this.settings.maxAge());
        for (ArchiveWriterCustomizer customizer : this.customizers.get()) {
            customizer.customize(this.ringName, builder);
        }
        builder.listener(this.listener);
        ArchiveWriter writer;
        try {
            writer = builder.open();
        }
        catch (ArchiveException ex) {
            throw new ArchiveOpenException(this.ringName, directory(), ex);
        }
        this.writers = this.writers.next(writer);
        logger.info("Logbuf ring '" + this.ringName + "' archives to " + directory().toAbsolutePath() + " (flush "
                + this.settings.flushName() + ", segments of " + this.settings.segmentSize() + " bytes, next record "
                + writer.nextSequence() + ")");
        writer.recoveredTornTail()
            .ifPresent((cut) -> logger.warn("Logbuf ring '" + this.ringName + "': the archive's last segment ended"
                    + " in a torn write (the application or the machine stopped in the middle of one); cut to the"
                    + " last whole record: " + cut.message()));
        for (ArchiveProblem damage : writer.recoveredDamage()) {
            logger.warn("Logbuf ring '" + this.ringName + "': the archive in " + directory().toAbsolutePath()
                    + " is damaged; the damage is kept in place and the archive continues after it (ArchiveTool verify"
                    + " reports it until the segment is deleted): " + damage.message());
        }
        return writer;
    }

    /**
     * The drain loop closed {@code writer} (its sink) and ended.
     * @param writer the writer {@link #open()} returned
     */
    synchronized void closed(ArchiveWriter writer) {
        Writers writers = this.writers;
        if (writers.current != writer || !writers.open) {
            return;
        }
        this.writers = new Writers(writer, false, writers.bytesWritten, writers.recordsDropped, writers.recordsSkipped);
        logger.info("Logbuf ring '" + this.ringName + "': archive " + directory().toAbsolutePath()
                + " closed after record " + writer.writtenSequence() + " (" + writer.segmentCount() + " segments)");
    }

    @Override
    public String toString() {
        return "RingArchive[" + this.ringName + " -> " + directory() + "]";
    }

    /**
     * The writer of the current (or last) run, whether it is open, and the counts of the
     * writers before it.
     */
    private record Writers(ArchiveWriter current, boolean open, long bytesWritten, long recordsDropped,
            long recordsSkipped) {

        Writers next(ArchiveWriter next) {
            if (this.current == null) {
                return new Writers(next, true, 0, 0, 0);
            }
            return new Writers(next, true, this.bytesWritten + this.current.bytesWritten(),
                    this.recordsDropped + this.current.recordsDropped(),
                    this.recordsSkipped + this.current.recordsSkipped());
        }

    }

    /** Called on the writer's thread. */
    private final class Listener implements ArchiveListener {

        @Override
        public void onFlush(long durationNanos, long flushedSequence) {
            for (LongConsumer observer : RingArchive.this.flushObservers) {
                observer.accept(durationNanos);
            }
        }

        @Override
        public void onSegmentDeleted(Path segment) {
            if (logger.isDebugEnabled()) {
                logger.debug("Logbuf ring '" + RingArchive.this.ringName + "': retention deleted " + segment);
            }
        }

        @Override
        public void onError(ArchiveException error) {
            RingArchive.this.failures.onArchiveFailure(error);
        }

    }

}
