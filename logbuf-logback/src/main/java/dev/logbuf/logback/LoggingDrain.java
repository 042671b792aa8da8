package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import dev.logbuf.drain.DrainAgent;
import dev.logbuf.drain.DrainListener;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reading side of a {@link LogbufAppender}'s ring, kept across restarts of the
 * appender: the drain loop and its sink, the drain by the logging threads themselves once
 * the loop has stopped, and the report of dropped events.
 *
 * <p>
 * <b>Stop protocol.</b> {@link #stop} lets the drain loop hand over every record, then
 * sets {@code callerDrains} and drains what is left. From then on a logging thread, after
 * writing its record, reads {@code callerDrains} and drains too ({@link #afterWrite()}).
 * Full fences on both sides (Dekker): either the logging thread sees
 * {@code callerDrains}, or the stopping thread's drain sees its record. The callers'
 * drains are serialized by a lock that is only tried, never waited for: a caller that
 * finds it taken leaves a note ({@code drainPending}) and the holder drains again after
 * unlocking. Nobody waits for a record another thread is still writing: that thread
 * drains after committing it.
 */
final class LoggingDrain {

    static final int BATCH = 256;

    private final ContextAware status;

    private final String label;

    private final RingBuffer ring;

    private final Consumer consumer;

    private final String ringName;

    private final DropCounters drops;

    private final MonitoredSink sink;

    private final DrainAgent agent;

    /** Serializes the callers that drain after stop, and start() against them. */
    private final ReentrantLock lock = new ReentrantLock();

    /** A caller that found the lock taken left work for the holder. */
    private final AtomicBoolean drainPending = new AtomicBoolean();

    /**
     * Set by stop() once the drain loop has ended: from then on every caller drains the
     * ring itself after writing its record. Volatile, and fenced on both sides (stop()
     * and afterWrite()).
     */
    private volatile boolean callerDrains;

    /**
     * The drain thread did not end in stop() (its sink call never returned): nobody else
     * may use the consumer. Volatile: written by stop(), read by callers that drain.
     */
    private volatile boolean consumerStuck;

    /** Volatile: written by the draining thread or stop(), read by either. */
    private volatile long lastReportNanos = System.nanoTime();

    // one run of the appender; volatile: written by start(), read by the drain thread
    private volatile RecordEncoder encoder;

    private volatile RingWriter writer;

    private volatile FullRingPolicy policy;

    private volatile long reportIntervalNanos;

    LoggingDrain(ContextAware status, String label, RingBuffer ring, Consumer consumer, RecordSink target,
            String ringName, Duration stallTimeout, DropCounters drops) {
        this.status = status;
        this.label = label;
        this.ring = ring;
        this.consumer = consumer;
        this.ringName = ringName;
        this.drops = drops;
        this.sink = new MonitoredSink(target, () -> reportDrops(false));
        this.agent = DrainAgent.builder(ring, consumer)
            .sink(this.sink)
            .name("logbuf-drain-" + ringName)
            .batchLimit(BATCH)
            .unblockDeadClaims(stallTimeout)
            .listener(new Listener())
            .build();
    }

    RecordSink target() {
        return this.sink.sink();
    }

    DrainAgent agent() {
        return this.agent;
    }

    long sinkBusyForNanos() {
        return this.sink.busyForNanos();
    }

    /**
     * Starts (again) the drain loop for one run of the appender.
     * @throws IllegalStateException when the loop's previous thread is still stuck in a
     * sink call
     */
    void start(RecordEncoder encoder, RingWriter writer, FullRingPolicy policy, Duration reportInterval) {
        this.lock.lock();
        try {
            this.encoder = encoder;
            this.writer = writer;
            this.policy = policy;
            this.reportIntervalNanos = reportInterval.toNanos();
            this.callerDrains = false;
            this.consumerStuck = false;
            writer.noWaiting(false);
            writer.drainWhileWaiting(this::afterWrite);
            this.agent.start();
            writer.drainThread(this.agent.thread().orElse(null));
        }
        finally {
            this.lock.unlock();
        }
    }

    /**
     * The stop protocol (see the class comment); the sink stays open for the callers'
     * drains until {@link #closeSink()}.
     */
    void stop(Duration timeout) {
        this.agent.stop(timeout);
        Thread drainThread = this.agent.thread().orElse(null);
        this.consumerStuck = drainThread != null && drainThread.isAlive();
        if (this.consumerStuck) {
            this.writer.noWaiting(true);
            this.status.addError(this.label + ": the sink has not returned from a write for "
                    + TimeUnit.NANOSECONDS.toMillis(this.sink.busyForNanos()) + " ms; "
                    + (this.ring.producerPosition() - this.ring.consumerPosition())
                    + " bytes of log events stay in ring '" + this.ringName + "'");
            return;
        }
        reportDrops(true);
        this.callerDrains = true;
        // Full fence: pairs with the fence in afterWrite(): either that caller sees
        // callerDrains, or the drain below sees its record.
        VarHandle.fullFence();
        drainOnCaller();
    }

    /**
     * Drains what is left and closes the sink, under the callers' lock: a caller's drain
     * still in progress finishes first, so the sink's close never runs into its batch
     * (closing outside the lock let a close write a staged batch that the caller then
     * wrote again, or cut it: ShutdownTest). A thread that raced with the stop and writes
     * after this still drains its record into the sink; an {@link OutputStreamSink} takes
     * it (its close only flushes a stream it does not own).
     */
    void closeSink() {
        if (this.consumerStuck) {
            return; // the drain thread is still in a sink call: never a second caller
        }
        this.lock.lock();
        try {
            if (drainHeld()) { // else restarted meanwhile: the drain loop owns the sink
                this.sink.closeSink();
            }
        }
        catch (RuntimeException ex) {
            this.status.addError(this.label + ": draining or closing the sink at stop failed", ex);
        }
        finally {
            this.lock.unlock();
        }
        // volatile read after unlock: a caller that failed tryLock meanwhile set it
        if (this.drainPending.get()) {
            drainOnCaller();
        }
    }

    /** Called by a logging thread after its record is in the ring. */
    void afterWrite() {
        // Full fence: pairs with the one in stop() after callerDrains is set (Dekker):
        // either this thread sees callerDrains, or stop()'s drain sees this record.
        VarHandle.fullFence();
        if (this.callerDrains) {
            drainOnCaller();
        }
    }

    private void drainOnCaller() {
        for (;;) {
            // volatile write: pairs with the getAndSet in drainHeld() by the lock holder
            this.drainPending.set(true);
            if (!this.lock.tryLock()) {
                return; // the holder sees drainPending after it unlocks
            }
            try {
                if (!drainHeld()) {
                    return; // restarted meanwhile: the drain loop reads again
                }
            }
            catch (RuntimeException ex) {
                this.status.addError(this.label + ": writing log events after stop failed", ex);
                return;
            }
            finally {
                this.lock.unlock();
            }
            // volatile read after unlock: a caller that failed tryLock meanwhile set it
            if (!this.drainPending.get()) {
                return;
            }
        }
    }

    /**
     * With the lock held: drains the ring until it is empty or its head is still being
     * written, unless the drain loop owns the consumer again (a restart) or is stuck in a
     * sink call.
     * @return whether it drained
     */
    private boolean drainHeld() {
        if (!this.callerDrains || this.consumerStuck) {
            return false;
        }
        // getAndSet: synchronizes with the set() of a caller whose tryLock failed, so its
        // committed record is visible to the drain below
        this.drainPending.getAndSet(false);
        while (this.consumer.drainTo(this.sink, BATCH) > 0) {
            // until the ring is empty or its head is still being written
        }
        return true;
    }

    /**
     * For the exit hook: waits (at most {@code timeout}) until the drain has handed over
     * what was in the ring when the JVM began to exit; gives up at once when the drain
     * thread is gone or the sink is stalled.
     */
    void awaitDrained(Duration timeout, Duration stallTimeout) {
        long target = this.ring.producerPosition();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (this.agent.isRunning() && this.ring.consumerPosition() < target && System.nanoTime() - deadline < 0) {
            if (!this.agent.isThreadAlive() || this.sink.busyForNanos() > stallTimeout.toNanos()) {
                return; // nobody will drain it: do not hold the exit up
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Writes "N events dropped" into the ring, at most once per report interval (always
     * when {@code force}); on the draining thread or the stopping one.
     */
    void reportDrops(boolean force) {
        long now = System.nanoTime();
        if (!force && now - this.lastReportNanos < this.reportIntervalNanos) {
            return;
        }
        long[] counts = this.drops.unreported();
        long total = DropCounters.sum(counts);
        RecordEncoder recordEncoder = this.encoder;
        if (total == 0 || recordEncoder == null) {
            return;
        }
        this.lastReportNanos = now;
        FullRingPolicy fullRing = this.policy;
        String message = "logbuf dropped " + total + " log event" + ((total == 1) ? "" : "s") + " ("
                + DropCounters.describe(counts) + ") since the last report: ring '" + this.ringName + "' was full ("
                + this.ring.capacity() + " bytes; events at " + fullRing.waitLevel() + " and above wait up to "
                + fullRing.maxWait().toMillis() + " ms). See docs/logging.md";
        LoggerContext context = (LoggerContext) this.status.getContext();
        LoggingEvent event = new LoggingEvent(LogbufAppender.class.getName(), context.getLogger(LogbufAppender.class),
                Level.WARN, message, null, null);
        EncodeBuffer buffer = EncodeBuffer.forCurrentThread();
        byte[] bytes = recordEncoder.encode(event, buffer);
        int length = Math.min(buffer.length, this.ring.maxRecordLength());
        if (length > 0 && this.ring.producer().offer(bytes, 0, length)) {
            this.drops.reported(counts);
        }
        this.status.addWarn(message);
    }

    /** Reports the drain loop's failures to Logback's status, once per failing spell. */
    private final class Listener implements DrainListener {

        /** Volatile: the listener runs on the drain thread, which may change per run. */
        private volatile boolean failing;

        @Override
        public void onFailure(Throwable error, boolean recordsKept) {
            if (!this.failing) {
                this.failing = true;
                LoggingDrain.this.status
                    .addError(LoggingDrain.this.label + ": the sink failed; log events wait in ring '"
                            + LoggingDrain.this.ringName + "' and are handed over again", error);
            }
        }

        @Override
        public void onRecovered(long failedAttempts) {
            this.failing = false;
            LoggingDrain.this.status.addInfo(
                    LoggingDrain.this.label + ": the sink works again after " + failedAttempts + " failed attempts");
        }

        @Override
        public void onStopped(boolean drainedAll, long bytesLeft, Optional<BlockedClaim> blocked) {
            if (!drainedAll) {
                LoggingDrain.this.status
                    .addWarn(LoggingDrain.this.label + ": the drain stopped with " + bytesLeft + " bytes in the ring"
                            + blocked.map((claim) -> ", held back by a claim of thread " + claim.claimantThreadName())
                                .orElse(""));
            }
        }

    }

}
