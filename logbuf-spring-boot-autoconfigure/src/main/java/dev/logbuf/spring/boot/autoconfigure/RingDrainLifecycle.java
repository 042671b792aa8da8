package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.logbuf.Consumer;
import dev.logbuf.RecordHandler;
import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveWriter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The drain loop of one ring: a thread named {@code logbuf-drain-<name>} that hands
 * committed records to the ring's {@link RecordHandler} in batches of at most
 * {@code drain.batch-limit}, idling with the configured {@link IdleStrategyType} when the
 * ring is empty.
 *
 * <p>
 * Shutdown: the loop runs in {@link #PHASE}, below the web server's graceful shutdown and
 * stop phases, so it starts before the server accepts requests and stops only after
 * in-flight requests have finished. {@link #stop()} then refuses new claims on the ring's
 * Producer bean and keeps draining until every claimed record has been handed over, or
 * {@code drain.shutdown-timeout} has passed, before it returns.
 *
 * <p>
 * A handler that throws never stops the loop: the error is counted
 * ({@code logbuf.drain.errors}) and logged at most once per
 * {@value #ERROR_LOG_INTERVAL_SECONDS} seconds with the number of errors since the last
 * report. The core counts the failing record as consumed, so one bad record never wedges
 * the ring.
 *
 * <p>
 * A ring with an archive directory has no handler bean: the loop opens the ring's
 * {@link RingArchive} in {@link #start()}, hands the records to its
 * {@link ArchiveWriter}, calls {@link ArchiveWriter#endBatch()} after every drain call
 * (also those that drained nothing, so that the {@code interval} flush and age retention
 * make progress), and closes the writer (write, force, close) when the loop ends, after
 * the last committed record. When an archive write fails, the records of that write are
 * lost (the writer drops them); the failure is counted like a handler error, and the loop
 * stops draining for {@value #ARCHIVE_RETRY_MILLIS} ms before it tries again, so that
 * records wait in the ring (producers see it fill up) instead of being drained into a
 * failing archive.
 */
public final class RingDrainLifecycle implements SmartLifecycle {

    /**
     * The drain loops' lifecycle phase: below Boot's web server graceful shutdown
     * ({@code DEFAULT_PHASE - 1024}) and web server start/stop
     * ({@code DEFAULT_PHASE - 2048}) phases. Lower phases start first and stop last.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    static final int ERROR_LOG_INTERVAL_SECONDS = 10;

    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(ERROR_LOG_INTERVAL_SECONDS);

    /** How long draining pauses after an archive write failed. */
    static final long ARCHIVE_RETRY_MILLIS = 1000;

    private static final long ARCHIVE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(ARCHIVE_RETRY_MILLIS);

    /**
     * How much longer than shutdown-timeout stop() waits for a handler call in progress.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private static final Log logger = LogFactory.getLog(RingDrainLifecycle.class);

    private final LogbufRing ring;

    private final String handlerName;

    /**
     * The handler bean, or the archive writer opened by start(); read by the drain thread
     * after Thread.start().
     */
    private RecordHandler handler;

    /** The ring's built-in archive, {@code null} when it feeds a handler bean. */
    private final RingArchive archive;

    /**
     * The open archive writer (archive rings); written in start() before Thread.start(),
     * then drain thread only.
     */
    private ArchiveWriter archiveWriter;

    /**
     * Drain thread only: System.nanoTime() before which no drain is tried after an
     * archive failure; 0 when none.
     */
    private long archiveRetryAtNanos;

    private final Consumer consumer;

    private final RecordHandler countingHandler = this::handle;

    private final Object lifecycleMonitor = new Object();

    /**
     * Written under lifecycleMonitor; volatile so monitoring threads read the current
     * one.
     */
    private volatile Thread thread;

    /**
     * The lifecycle state, written under lifecycleMonitor; volatile for isRunning() from
     * any thread.
     */
    private volatile boolean running;

    /**
     * Volatile write in stop() pairs with the volatile read at the top of every loop
     * turn.
     */
    private volatile boolean stopRequested;

    /** Drain thread only. */
    private long drained;

    /**
     * Published by the drain thread after each batch (release), read by monitoring
     * (acquire).
     */
    private final AtomicLong recordsDrained = new AtomicLong();

    /**
     * Incremented by the drain thread only (a volatile read-modify-write), read by
     * monitoring threads.
     */
    private final AtomicLong handlerErrors = new AtomicLong();

    /** Drain thread only. */
    private boolean errorLogged;

    /** Drain thread only. */
    private long lastErrorLogNanos;

    /** Drain thread only. */
    private long errorsSinceLastLog;

    RingDrainLifecycle(LogbufRing ring, String handlerName, RecordHandler handler) {
        this.ring = ring;
        this.handlerName = handlerName;
        this.handler = handler;
        this.archive = null;
        this.consumer = ring.consumer();
        ring.attach(this);
    }

    /** The drain loop of a ring with a built-in archive. */
    RingDrainLifecycle(LogbufRing ring) {
        this.ring = ring;
        this.archive = ring.archive()
            .orElseThrow(() -> new IllegalArgumentException("Logbuf ring '" + ring.name() + "' has no archive"));
        this.handlerName = "archive " + this.archive.directory();
        this.consumer = ring.consumer();
        ring.attach(this);
    }

    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            Thread previous = this.thread;
            if (previous != null && previous.isAlive()) {
                throw new IllegalStateException("Drain thread " + previous.getName()
                        + " of the previous run is still in a handler call; not starting a second one");
            }
            if (this.archive != null) {
                // throws InvalidRingPropertyException naming the directory: the lifecycle
                // does not start
                this.archiveWriter = this.archive.open();
                this.handler = this.archiveWriter;
                this.archiveRetryAtNanos = 0;
            }
            // volatile write: the new thread reads it in its loop (Thread.start() also
            // orders it)
            this.stopRequested = false;
            this.ring.countingProducer().open();
            Thread thread = new Thread(this::run, "logbuf-drain-" + this.ring.name());
            thread.setDaemon(true);
            this.thread = thread;
            this.running = true;
            thread.start();
        }
    }

    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return;
            }
            this.ring.countingProducer().close();
            // volatile write: pairs with the read in run(); the loop then drains what is
            // left
            this.stopRequested = true;
            Thread thread = this.thread;
            LockSupport.unpark(thread);
            Duration timeout = this.ring.settings().shutdownTimeout().plus(STOP_GRACE);
            try {
                thread.join(timeout.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                logger.warn("Drain thread " + thread.getName() + " did not finish within " + timeout
                        + " (a handler call is still running); interrupting it");
                thread.interrupt();
            }
            this.running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Whether the lifecycle is started and its drain thread is alive. */
    public boolean isDrainThreadAlive() {
        Thread thread = this.thread;
        return this.running && thread != null && thread.isAlive();
    }

    /** Records handed to the handler so far, those whose handler call threw included. */
    public long recordsDrained() {
        // acquire: pairs with the release in drainBatch()
        return this.recordsDrained.getAcquire();
    }

    /** Handler calls that threw so far. */
    public long handlerErrors() {
        return this.handlerErrors.get();
    }

    public String getRingName() {
        return this.ring.name();
    }

    /**
     * The handler bean's name, or {@code archive <directory>} for a ring with a built-in
     * archive.
     */
    public String getHandlerName() {
        return this.handlerName;
    }

    private void run() {
        try {
            IdleStrategyType.IdleStrategy idle = this.ring.settings().idleStrategy().newIdleStrategy();
            // volatile read: pairs with the write in stop()
            while (!this.stopRequested) {
                if (drainBatch() > 0) {
                    idle.reset();
                }
                else {
                    idle.idle();
                }
            }
            drainClaimedRecords();
        }
        finally {
            closeArchive();
        }
    }

    /**
     * Archive rings: writes, forces and closes the segment once the last record was
     * drained.
     */
    private void closeArchive() {
        if (this.archiveWriter == null) {
            return;
        }
        this.archiveWriter = null;
        try {
            this.archive.close();
        }
        catch (RuntimeException ex) {
            this.handlerErrors.incrementAndGet();
            logger.error("Archive of logbuf ring '" + this.ring.name() + "' in " + this.archive.directory()
                    + " could not be flushed and closed; records of the last batch may be missing", ex);
        }
    }

    /**
     * After stop: hands over every record claimed before the producer was closed, waiting
     * for claims still in progress, until the consumer position reaches the producer
     * position or the shutdown timeout passes.
     */
    private void drainClaimedRecords() {
        Duration timeout = this.ring.settings().shutdownTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        IdleStrategyType.IdleStrategy idle = IdleStrategyType.BACKOFF.newIdleStrategy();
        while (true) {
            if (drainBatch() > 0) {
                idle.reset();
                continue;
            }
            if (this.ring.consumerPosition() >= this.ring.producerPosition()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                logger.warn("Logbuf ring '" + this.ring.name() + "': drain stopped after " + timeout + " with "
                        + this.ring.usedBytes() + " bytes not handed to '" + this.handlerName + "'"
                        + this.ring.blockedClaim()
                            .map((claim) -> " (the record at position " + claim.position() + " is still claimed by "
                                    + claim.claimantThreadName() + ")")
                            .orElse(""));
                return;
            }
            idle.idle();
        }
    }

    private int drainBatch() {
        if (this.archiveRetryAtNanos != 0) {
            if (System.nanoTime() - this.archiveRetryAtNanos < 0) {
                return 0; // the archive failed a moment ago: let records wait in the ring
            }
            this.archiveRetryAtNanos = 0;
        }
        int drained;
        try {
            drained = this.consumer.drain(this.countingHandler, this.ring.settings().batchLimit());
        }
        catch (VirtualMachineError ex) {
            throw ex;
        }
        catch (Throwable ex) {
            drainFailed(ex);
            // the failing record was consumed: the ring moved, so do not idle
            drained = 1;
        }
        finally {
            // release: pairs with the acquire in recordsDrained()
            this.recordsDrained.setRelease(this.drained);
        }
        ArchiveWriter archiveWriter = this.archiveWriter;
        if (archiveWriter != null) {
            try {
                // writes the batch with one call and applies the flush policy, also after
                // an empty drain
                archiveWriter.endBatch();
            }
            catch (RuntimeException ex) {
                drainFailed(ex);
            }
        }
        return drained;
    }

    private void drainFailed(Throwable ex) {
        this.handlerErrors.incrementAndGet();
        if (this.archiveWriter != null && ex instanceof ArchiveException) {
            // the archive's listener has logged it (RingArchive)
            long retryAt = System.nanoTime() + ARCHIVE_RETRY_NANOS;
            this.archiveRetryAtNanos = (retryAt != 0) ? retryAt : 1;
        }
        else {
            logHandlerError(ex);
        }
    }

    private void handle(ByteBuffer buffer, int offset, int length) {
        this.drained++;
        this.handler.onRecord(buffer, offset, length);
    }

    private void logHandlerError(Throwable ex) {
        long now = System.nanoTime();
        if (this.errorLogged && now - this.lastErrorLogNanos < ERROR_LOG_INTERVAL_NANOS) {
            this.errorsSinceLastLog++;
            return;
        }
        String suppressed = this.errorLogged ? " (" + this.errorsSinceLastLog + " more since the last report, "
                + this.handlerErrors.get() + " in all)" : "";
        logger.error("Record handler '" + this.handlerName + "' of logbuf ring '" + this.ring.name()
                + "' threw; the record is skipped and the drain loop goes on" + suppressed, ex);
        this.errorLogged = true;
        this.lastErrorLogNanos = now;
        this.errorsSinceLastLog = 0;
    }

    @Override
    public String toString() {
        return "RingDrainLifecycle[" + this.ring.name() + " -> " + this.handlerName + "]";
    }

}
