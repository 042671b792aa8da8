package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.logbuf.Consumer;
import dev.logbuf.RecordHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The drain loop of one ring: a thread named {@code logbuf-drain-<name>} that
 * hands committed records to the ring's {@link RecordHandler} in batches of at
 * most {@code drain.batch-limit}, idling with the configured
 * {@link IdleStrategyType} when the ring is empty.
 *
 * <p>Shutdown: the loop runs in {@link #PHASE}, below the web server's graceful
 * shutdown and stop phases, so it starts before the server accepts requests and
 * stops only after in-flight requests have finished. {@link #stop()} then
 * refuses new claims on the ring's Producer bean and keeps draining until every
 * claimed record has been handed over, or {@code drain.shutdown-timeout} has
 * passed, before it returns.
 *
 * <p>A handler that throws never stops the loop: the error is counted
 * ({@code logbuf.drain.errors}) and logged at most once per
 * {@value #ERROR_LOG_INTERVAL_SECONDS} seconds with the number of errors since
 * the last report. The core counts the failing record as consumed, so one bad
 * record never wedges the ring.
 */
public final class RingDrainLifecycle implements SmartLifecycle {

    /**
     * The drain loops' lifecycle phase: below Boot's web server graceful shutdown
     * ({@code DEFAULT_PHASE - 1024}) and web server start/stop
     * ({@code DEFAULT_PHASE - 2048}) phases. Lower phases start first and stop
     * last.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    static final int ERROR_LOG_INTERVAL_SECONDS = 10;

    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(ERROR_LOG_INTERVAL_SECONDS);

    /** How much longer than shutdown-timeout stop() waits for a handler call in progress. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private static final Log logger = LogFactory.getLog(RingDrainLifecycle.class);

    private final LogbufRing ring;

    private final String handlerName;

    private final RecordHandler handler;

    private final Consumer consumer;

    private final RecordHandler countingHandler = this::handle;

    private final Object lifecycleMonitor = new Object();

    /** Written under lifecycleMonitor; volatile so monitoring threads read the current one. */
    private volatile Thread thread;

    /** The lifecycle state, written under lifecycleMonitor; volatile for isRunning() from any thread. */
    private volatile boolean running;

    /** Volatile write in stop() pairs with the volatile read at the top of every loop turn. */
    private volatile boolean stopRequested;

    /** Drain thread only. */
    private long drained;

    /** Published by the drain thread after each batch (release), read by monitoring (acquire). */
    private final AtomicLong recordsDrained = new AtomicLong();

    /** Incremented by the drain thread only (a volatile read-modify-write), read by monitoring threads. */
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
            // volatile write: the new thread reads it in its loop (Thread.start() also orders it)
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
            // volatile write: pairs with the read in run(); the loop then drains what is left
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

    public String getHandlerName() {
        return this.handlerName;
    }

    private void run() {
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

    /**
     * After stop: hands over every record claimed before the producer was closed,
     * waiting for claims still in progress, until the consumer position reaches
     * the producer position or the shutdown timeout passes.
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
                        + this.ring.blockedClaim().map((claim) -> " (the record at position " + claim.position()
                                + " is still claimed by " + claim.claimantThreadName() + ")").orElse(""));
                return;
            }
            idle.idle();
        }
    }

    private int drainBatch() {
        try {
            return this.consumer.drain(this.countingHandler, this.ring.settings().batchLimit());
        }
        catch (VirtualMachineError ex) {
            throw ex;
        }
        catch (Throwable ex) {
            this.handlerErrors.incrementAndGet();
            logHandlerError(ex);
            // the failing record was consumed: the ring moved, so do not idle
            return 1;
        }
        finally {
            // release: pairs with the acquire in recordsDrained()
            this.recordsDrained.setRelease(this.drained);
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
        String suppressed = this.errorLogged
                ? " (" + this.errorsSinceLastLog + " more since the last report, " + this.handlerErrors.get() + " in all)"
                : "";
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
