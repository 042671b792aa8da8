package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveFormatException;
import dev.logbuf.archive.ArchiveListener;
import dev.logbuf.archive.ArchiveProblem;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.ArchiveWriterBuilder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The built-in archive of one ring ({@code logbuf.rings.<name>.archive.*}): opens the
 * {@link ArchiveWriter} its drain loop writes to, and tells health, meters and the
 * endpoint how the archive is doing.
 *
 * <p>
 * Threads: {@link #open()} is called by the drain lifecycle's {@code start()} before it
 * starts the drain thread, {@link #close()} by the drain thread when it ends; the writer
 * is used by that thread only in between. Every monitoring method may be called from any
 * thread.
 *
 * <p>
 * Archive errors are logged here (they reach the writer's listener whether they are
 * thrown to the drain loop or only reported, as a failed rotation or retention is), at
 * most once per {@value #ERROR_LOG_INTERVAL_SECONDS} seconds with the number of errors
 * since the last report.
 */
public final class RingArchive {

    static final int ERROR_LOG_INTERVAL_SECONDS = 10;

    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(ERROR_LOG_INTERVAL_SECONDS);

    private static final Log logger = LogFactory.getLog(RingArchive.class);

    private final String ringName;

    private final ArchiveSettings settings;

    private final LogbufRingsRegistrar.ConfiguredValue directoryValue;

    private final Supplier<List<ArchiveWriterCustomizer>> customizers;

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

    /** Writer thread only (the listener runs there). */
    private boolean errorLogged;

    /** Writer thread only. */
    private long lastErrorLogNanos;

    /** Writer thread only. */
    private long errorsSinceLastLog;

    /**
     * @param ringName the ring's name
     * @param settings its checked archive settings
     * @param directoryValue how {@code archive.directory} was written (for failure
     * analysis), {@code null} when unknown
     * @param customizers the {@link ArchiveWriterCustomizer} beans, looked up at each
     * open
     */
    RingArchive(String ringName, ArchiveSettings settings, LogbufRingsRegistrar.ConfiguredValue directoryValue,
            Supplier<List<ArchiveWriterCustomizer>> customizers) {
        this.ringName = ringName;
        this.settings = settings;
        this.directoryValue = directoryValue;
        this.customizers = customizers;
    }

    public ArchiveSettings settings() {
        return this.settings;
    }

    /** The archive directory as configured. */
    public Path directory() {
        return this.settings.directory();
    }

    /** Whether the archive is open (its drain loop has started and not ended). */
    public boolean isOpen() {
        return this.writer != null;
    }

    /**
     * Bytes of record frames written to segments since the application started (all opens
     * together).
     */
    public synchronized long bytesWritten() {
        ArchiveWriter writer = this.writer;
        return this.closedBytesWritten + ((writer != null) ? writer.bytesWritten() : 0);
    }

    /**
     * Segment files in the directory, the one being written included; 0 before the first
     * open.
     */
    public int segmentCount() {
        ArchiveWriter writer = this.lastWriter;
        return (writer != null) ? writer.segmentCount() : 0;
    }

    /**
     * Sequence of the last record handed to the operating system, -1 when none; empty
     * before the first open.
     */
    public Optional<Long> writtenSequence() {
        return Optional.ofNullable(this.lastWriter).map(ArchiveWriter::writtenSequence);
    }

    /**
     * Sequence of the last record forced to the device, -1 when none; empty before the
     * first open.
     */
    public Optional<Long> flushedSequence() {
        return Optional.ofNullable(this.lastWriter).map(ArchiveWriter::flushedSequence);
    }

    /**
     * Why the open archive cannot write, or empty when it can (or is not open): the
     * writer's last failure until a later write succeeds, or an archive directory that
     * has been removed or replaced, so that records go to a segment file no longer in it.
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
     */
    public void onFlush(LongConsumer durationNanos) {
        this.flushObservers.add(durationNanos);
    }

    /**
     * Opens (or continues) the archive: the directory is created when missing, a torn
     * tail left by a crash is cut.
     * @throws InvalidRingPropertyException naming {@code archive.directory} and the path
     * when the archive cannot be opened there
     */
    ArchiveWriter open() {
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
            throw cannotOpen(ex);
        }
        synchronized (this) {
            this.writer = writer;
            this.lastWriter = writer;
        }
        logger.info("Logbuf ring '" + this.ringName + "' archives to " + directory().toAbsolutePath() + " (flush "
                + this.settings.flushName() + ", segments of " + this.settings.segmentSize() + " bytes, next record "
                + writer.nextSequence() + ")");
        return writer;
    }

    /**
     * Writes what is buffered, forces it (unless the flush policy is {@code none}) and
     * closes the writer. Drain thread only; does nothing when not open.
     * @throws ArchiveException when the last write or the force failed
     */
    void close() {
        ArchiveWriter writer = this.writer;
        if (writer == null) {
            return;
        }
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

    private InvalidRingPropertyException cannotOpen(ArchiveException ex) {
        String property = LogbufRingsRegistrar.propertyName(this.ringName, "archive.directory");
        String text = (this.directoryValue != null) ? this.directoryValue.text() : directory().toString();
        String origin = (this.directoryValue != null) ? this.directoryValue.origin() : null;
        Path path = (ex.path() != null) ? ex.path() : directory();
        String problem = "the archive cannot be opened: " + ex.getMessage()
                + (path.isAbsolute() ? "" : " (absolute path: " + path.toAbsolutePath() + ")");
        String action = (ex instanceof ArchiveFormatException)
                ? "Move " + path + " out of the archive directory (check it first with dev.logbuf.archive.ArchiveTool"
                        + " verify), or set " + property + " to another directory."
                : "Set " + property + " to a directory the application can create and write (it is created when"
                        + " missing; one ring per directory), or make " + path
                        + " a directory the application can write.";
        return new InvalidRingPropertyException(this.ringName, property, text, origin, problem, action, ex);
    }

    @Override
    public String toString() {
        return "RingArchive[" + this.ringName + " -> " + directory() + "]";
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
            long now = System.nanoTime();
            if (RingArchive.this.errorLogged && now - RingArchive.this.lastErrorLogNanos < ERROR_LOG_INTERVAL_NANOS) {
                RingArchive.this.errorsSinceLastLog++;
                return;
            }
            String suppressed = RingArchive.this.errorLogged
                    ? " (" + RingArchive.this.errorsSinceLastLog + " more since the last report)" : "";
            logger.error("Archive of logbuf ring '" + RingArchive.this.ringName + "' failed: " + error.getMessage()
                    + suppressed, error);
            RingArchive.this.errorLogged = true;
            RingArchive.this.lastErrorLogNanos = now;
            RingArchive.this.errorsSinceLastLog = 0;
        }

    }

}
