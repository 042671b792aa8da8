package dev.logbuf.spring.boot;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
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
 * The built-in archive of one ring ({@code logbuf.rings.<name>.archive.*}): opens the
 * {@link ArchiveWriter} that is its drain loop's {@link RecordSink}, and tells health,
 * meters and the endpoint how the archive is doing.
 *
 * <p>
 * Threads: {@link #open()} is called by the drain lifecycle's {@code start()}, the sink's
 * {@code close()} by the drain thread when it ends; the writer is used by that thread
 * only in between. Every monitoring method may be called from any thread. Failures reach
 * the ring's drain listener, the one place they are logged.
 */
public final class RingArchive {

    private static final Log logger = LogFactory.getLog(RingArchive.class);

    private final String ringName;

    private final ArchiveSettings settings;

    private final Supplier<List<ArchiveWriterCustomizer>> customizers;

    private final RingDrainListener failures;

    private final List<LongConsumer> flushObservers = new CopyOnWriteArrayList<>();

    private final ArchiveListener listener = new Listener();

    /**
     * The open writer, {@code null} before the first open and after close; guarded by
     * {@code this} for writes.
     */
    private volatile ArchiveWriter writer;

    /** The last writer opened, kept after close for its segment count. */
    private volatile ArchiveWriter lastWriter;

    /**
     * Bytes written by writers closed before the current one; guarded by {@code this}.
     */
    private long closedBytesWritten;

    /**
     * @param ringName the ring's name
     * @param settings its checked archive settings
     * @param customizers the {@link ArchiveWriterCustomizer} beans, looked up at each
     * open
     * @param failures where the archive's failures are logged
     */
    RingArchive(String ringName, ArchiveSettings settings, Supplier<List<ArchiveWriterCustomizer>> customizers,
            RingDrainListener failures) {
        this.ringName = ringName;
        this.settings = settings;
        this.customizers = customizers;
        this.failures = failures;
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
        return this.writer != null;
    }

    /**
     * Bytes of record frames written to segments since the application started (all opens
     * together).
     * @return the bytes
     */
    public synchronized long bytesWritten() {
        ArchiveWriter writer = this.writer;
        return this.closedBytesWritten + ((writer != null) ? writer.bytesWritten() : 0);
    }

    /**
     * Segment files in the directory, the one being written included; 0 before the first
     * open.
     * @return the segment count
     */
    public int segmentCount() {
        ArchiveWriter writer = this.lastWriter;
        return (writer != null) ? writer.segmentCount() : 0;
    }

    /**
     * Sequence of the last record handed to the operating system, -1 when none; empty
     * before the first open.
     * @return the sequence
     */
    public Optional<Long> writtenSequence() {
        return Optional.ofNullable(this.lastWriter).map(ArchiveWriter::writtenSequence);
    }

    /**
     * Sequence of the last record forced to the device, -1 when none; empty before the
     * first open.
     * @return the sequence
     */
    public Optional<Long> flushedSequence() {
        return Optional.ofNullable(this.lastWriter).map(ArchiveWriter::flushedSequence);
    }

    /**
     * Why the open archive cannot write, or empty when it can (or is not open): the
     * writer's last failure until a later write succeeds, or an archive directory that
     * has been removed or replaced, so that records go to a segment file no longer in it.
     * @return the reason
     */
    public Optional<String> failure() {
        ArchiveWriter writer = this.writer;
        if (writer == null) {
            return Optional.empty();
        }
        Optional<ArchiveException> failure = writer.lastFailure();
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
     * Adds an observer of forces to the device ({@code fsync}), called on the drain
     * thread with the time each took in nanoseconds.
     * @param durationNanos the observer
     */
    public void onFlush(LongConsumer durationNanos) {
        this.flushObservers.add(durationNanos);
    }

    /**
     * Opens (or continues) the archive: the directory is created when missing, a torn
     * tail left by a crash is cut.
     * @return the sink the drain loop writes to; its {@code close()} writes, forces and
     * closes the archive
     * @throws ArchiveOpenException naming the ring and the directory when the archive
     * cannot be opened there
     */
    RecordSink open() {
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
        synchronized (this) {
            this.writer = writer;
            this.lastWriter = writer;
        }
        logger.info("Logbuf ring '" + this.ringName + "' archives to " + directory().toAbsolutePath() + " (flush "
                + this.settings.flushName() + ", segments of " + this.settings.segmentSize() + " bytes, next record "
                + writer.nextSequence() + ")");
        return new ArchiveRecordSink(writer);
    }

    private void close(ArchiveWriter writer) {
        try {
            writer.close();
        }
        finally {
            synchronized (this) {
                this.closedBytesWritten += writer.bytesWritten();
                this.writer = null;
            }
        }
        logger.info("Logbuf ring '" + this.ringName + "': archive " + directory().toAbsolutePath()
                + " closed after record " + writer.writtenSequence() + " (" + writer.segmentCount() + " segments)");
    }

    @Override
    public String toString() {
        return "RingArchive[" + this.ringName + " -> " + directory() + "]";
    }

    /**
     * The {@link ArchiveWriter} as the drain loop's {@link RecordSink}.
     *
     * <p>
     * An adapter until the archive module's writer implements {@code RecordSink} itself
     * (then the writer is the sink, and its rollback of a failed batch applies). Until
     * then a failed write drops the records of that write from the writer's buffer while
     * the ring keeps the batch and hands it over again, so they are written on the retry;
     * records of the same batch that a write in the middle of the batch had already
     * stored are written a second time.
     */
    private final class ArchiveRecordSink implements RecordSink {

        private final ArchiveWriter writer;

        ArchiveRecordSink(ArchiveWriter writer) {
            this.writer = writer;
        }

        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
            this.writer.onRecord(buffer, offset, length);
        }

        @Override
        public void endOfBatch() {
            // writes the batch with one call and applies the flush policy, also after
            // an empty drain
            this.writer.endBatch();
        }

        @Override
        public void close() {
            RingArchive.this.close(this.writer);
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
        public void onTornTailTruncated(ArchiveProblem cut) {
            logger.warn("Logbuf ring '" + RingArchive.this.ringName + "': the archive's last segment ended in a torn"
                    + " write (the application stopped in the middle of one); cut to the last whole record: "
                    + cut.message());
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
