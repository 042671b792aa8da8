package dev.logbuf.drain;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The drain loop of one ring: a thread that hands committed records to a
 * {@link RecordSink} (or a {@link RecordHandler}) in batches, idles when the ring is
 * empty, backs off when the sink fails, unblocks claims whose thread has terminated, and
 * on {@link #stop(Duration)} drains every record claimed before it.
 *
 * <pre>{@code
 * DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
 *         .sink(archiveWriter)
 *         .name("logbuf-drain-audit")
 *         .unblockDeadClaims(Duration.ofSeconds(5))
 *         .build();
 * agent.start();
 * ...
 * agent.stop(Duration.ofSeconds(10));   // drains what was claimed, closes the sink
 * }</pre>
 *
 * <p>
 * <b>Sinks and handlers fail differently.</b> A sink that throws keeps its batch in the
 * ring ({@link dev.logbuf.Consumer#drainTo}); the loop then stops draining for a back-off
 * that doubles from {@code retryBackoff}'s minimum up to its maximum, and tries the same
 * records again, so that while a disk is full the records wait in the ring (producers see
 * it fill and are refused) instead of being dropped. A handler that throws consumes the
 * record ({@link dev.logbuf.Consumer#drain}): a poison record never wedges the ring.
 * Either way the loop goes on and the {@link DrainListener} hears of it.
 *
 * <p>
 * <b>Dead claims.</b> With {@link Builder#unblockDeadClaims(Duration)}, when the record
 * at the head has been claimed for at least that long by a thread that has terminated,
 * the loop {@linkplain Consumer#unblock unblocks} it; while stopping, it does so at once.
 * A claim whose thread is alive is never touched.
 *
 * <p>
 * Thread safety: {@link #start()} and {@link #stop(Duration)} from any thread (they
 * serialize); the monitoring accessors from any thread; {@link #doWork()} only for an
 * agent that is not started (a caller running its own loop).
 */
public final class DrainAgent {

    /**
     * How much longer than its timeout {@code stop} waits for a sink call in progress.
     */
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The most often the loop looks for a dead claim while the ring is stuck. */
    private static final long MAX_STALL_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RingBuffer ring;

    private final Consumer consumer;

    private final RecordSink sink;

    private final RecordHandler handler;

    private final RecordHandler countingHandler = this::handle;

    private final String name;

    private final int batchLimit;

    private final Supplier<IdleStrategy> idleStrategy;

    private final long minRetryNanos;

    private final long maxRetryNanos;

    private final long unblockAfterNanos;

    private final long stallCheckIntervalNanos;

    private final DrainListener listener;

    private final LongSupplier nanoClock;

    private final ThreadFactory threadFactory;

    private final Object lifecycleMonitor = new Object();

    /** Written under lifecycleMonitor; volatile for monitoring threads. */
    private volatile Thread thread;

    /** Written under lifecycleMonitor; volatile for isRunning() from any thread. */
    private volatile boolean running;

    /** Volatile write in stop() pairs with the volatile read at the top of every turn. */
    private volatile boolean stopRequested;

    /** When the draining after a stop must end; written before stopRequested. */
    private volatile long stopDeadlineNanos;

    /** Set by the loop when it ended: whether it drained everything. */
    private volatile boolean drainedAll;

    // drain thread only
    private long handled;

    private long retryAtNanos;

    private long retryNanos;

    private long failedAttempts;

    private long lastStallCheckNanos;

    private boolean stallChecked;

    private boolean started;

    // published for monitoring: written by the drain thread only
    private final AtomicLong recordsDrained = new AtomicLong();

    private final AtomicLong failures = new AtomicLong();

    private final AtomicLong claimsUnblocked = new AtomicLong();

    private volatile Throwable lastFailure;

    private DrainAgent(Builder builder) {
        this.ring = builder.ring;
        this.consumer = builder.consumer;
        this.sink = builder.sink;
        this.handler = builder.handler;
        this.name = builder.name;
        this.batchLimit = builder.batchLimit;
        this.idleStrategy = builder.idleStrategy;
        this.minRetryNanos = builder.minRetry.toNanos();
        this.maxRetryNanos = builder.maxRetry.toNanos();
        this.retryNanos = this.minRetryNanos;
        this.unblockAfterNanos = (builder.unblockAfter != null) ? builder.unblockAfter.toNanos() : -1;
        this.stallCheckIntervalNanos = (builder.unblockAfter != null)
                ? Math.min(MAX_STALL_CHECK_INTERVAL_NANOS, Math.max(1, this.unblockAfterNanos / 4)) : 0;
        this.listener = builder.listener;
        this.nanoClock = builder.nanoClock;
        this.threadFactory = builder.threadFactory;
    }

    /**
     * A builder for the drain loop of {@code ring}, reading with {@code consumer} (the
     * ring's one consumer).
     * @param ring the ring
     * @param consumer its consumer
     * @return the builder
     */
    public static Builder builder(RingBuffer ring, Consumer consumer) {
        return new Builder(ring, consumer);
    }

    /**
     * Starts the loop on a new thread named {@link Builder#name(String)}; does nothing
     * while it runs.
     * @throws IllegalStateException when the thread of a previous run is still in a sink
     * call
     */
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            Thread previous = this.thread;
            if (previous != null && previous.isAlive()) {
                throw new IllegalStateException("drain thread " + previous.getName()
                        + " of the previous run is still in a sink call; not starting a second one");
            }
            this.stopRequested = false;
            this.drainedAll = false;
            Thread t = this.threadFactory.newThread(this::run);
            t.setName(this.name);
            this.thread = t;
            this.running = true;
            t.start();
        }
    }

    /**
     * Stops the loop: it keeps draining until every record claimed so far has been handed
     * over (claims still open are waited for) or {@code timeout} has passed, closes the
     * sink, and ends; this call waits for that (a little longer than {@code timeout} when
     * a sink call is in progress, then interrupts the thread).
     * @param timeout how long to keep draining
     * @return whether everything claimed before the stop was handed over
     */
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return this.drainedAll;
            }
            long timeoutNanos = Math.max(0, timeout.toNanos());
            this.stopDeadlineNanos = this.nanoClock.getAsLong() + timeoutNanos;
            // volatile write: pairs with the read at the top of every turn
            this.stopRequested = true;
            Thread t = this.thread;
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos + STOP_GRACE_NANOS) + 1);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                t.interrupt();
            }
            this.running = false;
            return this.drainedAll;
        }
    }

    /** Whether the loop is started and not stopped. */
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Whether the loop is started and its thread is alive (it died only of a JVM error).
     */
    public boolean isThreadAlive() {
        Thread t = this.thread;
        return this.running && t != null && t.isAlive();
    }

    /** The loop's thread, while there is one. */
    public Optional<Thread> thread() {
        return Optional.ofNullable(this.thread);
    }

    /**
     * Records handed over so far: to a sink, those of batches it took; to a handler,
     * those it was called with (also when it threw).
     */
    public long recordsDrained() {
        // acquire: pairs with the setRelease in doWork()
        return this.recordsDrained.getAcquire();
    }

    /** Drain calls that failed so far. */
    public long failures() {
        return this.failures.get();
    }

    /** Claims unblocked so far. */
    public long claimsUnblocked() {
        return this.claimsUnblocked.get();
    }

    /** The sink's failure while it is failing; empty once a batch went through again. */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(this.lastFailure);
    }

    /** The ring this loop drains. */
    public RingBuffer ring() {
        return this.ring;
    }

    /**
     * One turn of the loop on the calling thread, for an agent that is not started: one
     * drain call (unless a sink failure's back-off is running), and a look for a dead
     * claim when nothing was ready.
     * @return the records handed over (a handler's failing record counts)
     */
    public int doWork() {
        if (!this.started) {
            this.started = true;
            if (this.sink != null) {
                this.sink.onStart(this.ring.id());
            }
        }
        long now = this.nanoClock.getAsLong();
        if (this.retryAtNanos != 0 && now - this.retryAtNanos < 0) {
            return 0; // the sink failed a moment ago: let the records wait in the ring
        }
        int work;
        try {
            if (this.sink != null) {
                work = this.consumer.drainTo(this.sink, this.batchLimit);
                this.handled += work;
            }
            else {
                work = this.consumer.drain(this.countingHandler, this.batchLimit);
            }
            if (this.failedAttempts > 0) {
                long attempts = this.failedAttempts;
                this.failedAttempts = 0;
                this.retryAtNanos = 0;
                this.retryNanos = this.minRetryNanos;
                this.lastFailure = null;
                notify(() -> this.listener.onRecovered(attempts));
            }
        }
        catch (VirtualMachineError ex) {
            throw ex;
        }
        catch (Throwable ex) {
            this.failures.incrementAndGet();
            work = failed(ex, now);
        }
        finally {
            // release: pairs with the acquire in recordsDrained()
            this.recordsDrained.setRelease(this.handled);
        }
        if (work == 0 && this.unblockAfterNanos >= 0
                && (!this.stallChecked || now - this.lastStallCheckNanos >= this.stallCheckIntervalNanos)) {
            // a flag, not a zero time: a nanoTime clock may run at negative values
            this.stallChecked = true;
            this.lastStallCheckNanos = now;
            unblockDeadClaim(this.unblockAfterNanos);
        }
        return work;
    }

    private int failed(Throwable error, long now) {
        if (this.sink == null) {
            notify(() -> this.listener.onFailure(error, false));
            return 1; // the failing record was consumed: the ring moved
        }
        this.failedAttempts++;
        this.lastFailure = error;
        long retryAt = now + this.retryNanos;
        this.retryAtNanos = (retryAt != 0) ? retryAt : 1;
        this.retryNanos = Math.min(this.retryNanos * 2, this.maxRetryNanos);
        notify(() -> this.listener.onFailure(error, true));
        return 0;
    }

    private void handle(ByteBuffer buffer, int offset, int length) {
        this.handled++;
        this.handler.onRecord(buffer, offset, length);
    }

    private boolean unblockDeadClaim(long after) {
        Optional<BlockedClaim> blocked = this.ring.blockedClaim();
        if (blocked.isEmpty()) {
            return false;
        }
        BlockedClaim claim = blocked.get();
        if (claim.claimantAlive() || claim.blockedForNanos() < after || !this.consumer.unblock(claim)) {
            return false;
        }
        this.claimsUnblocked.incrementAndGet();
        notify(() -> this.listener.onClaimUnblocked(claim));
        return true;
    }

    private void run() {
        try {
            IdleStrategy idle = this.idleStrategy.get();
            // volatile read: pairs with the write in stop()
            while (!this.stopRequested) {
                idle.idle(doWork());
            }
            this.drainedAll = drainClaimedRecords();
        }
        finally {
            closeSink();
            this.started = false;
            boolean all = this.drainedAll;
            long left = Math.max(0, this.ring.producerPosition() - this.ring.consumerPosition());
            Optional<BlockedClaim> blocked = all ? Optional.empty() : this.ring.blockedClaim();
            notify(() -> this.listener.onStopped(all, left, blocked));
        }
    }

    /**
     * After stop: hands over every record claimed so far, waiting for claims still in
     * progress and retrying a failing sink, until the consumer position reaches the
     * producer position or the deadline passes.
     */
    private boolean drainClaimedRecords() {
        BackoffIdleStrategy idle = IdleStrategy.backoff();
        long target = this.ring.producerPosition();
        while (true) {
            int work = doWork();
            if (work > 0) {
                idle.reset();
                continue;
            }
            if (this.ring.consumerPosition() >= target && this.retryAtNanos == 0) {
                return true;
            }
            if (this.unblockAfterNanos >= 0 && unblockDeadClaim(0)) {
                continue; // a dead thread's claim held the rest back: nothing will commit
                          // it
            }
            long now = this.nanoClock.getAsLong();
            if (now - this.stopDeadlineNanos >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            idle.idleAtMost(this.stopDeadlineNanos - now);
        }
    }

    private void closeSink() {
        if (this.sink == null) {
            return;
        }
        try {
            this.sink.close();
        }
        catch (VirtualMachineError ex) {
            throw ex;
        }
        catch (Throwable ex) {
            this.failures.incrementAndGet();
            this.lastFailure = ex;
            notify(() -> this.listener.onFailure(ex, true));
        }
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        }
        catch (RuntimeException ex) {
            // a listener never stops the loop
        }
    }

    @Override
    public String toString() {
        return "DrainAgent[" + this.name + "]";
    }

    /**
     * Settings of a {@link DrainAgent}; one of {@link #sink} or {@link #handler} is
     * required.
     */
    public static final class Builder {

        private final RingBuffer ring;

        private final Consumer consumer;

        private RecordSink sink;

        private RecordHandler handler;

        private String name = "logbuf-drain";

        private int batchLimit = 256;

        private Supplier<IdleStrategy> idleStrategy = IdleStrategy::backoff;

        private Duration minRetry = Duration.ofMillis(10);

        private Duration maxRetry = Duration.ofSeconds(1);

        private Duration unblockAfter;

        private DrainListener listener = new DrainListener() {
        };

        private LongSupplier nanoClock = System::nanoTime;

        private ThreadFactory threadFactory = (runnable) -> {
            Thread t = new Thread(runnable);
            t.setDaemon(true);
            return t;
        };

        private Builder(RingBuffer ring, Consumer consumer) {
            this.ring = Objects.requireNonNull(ring, "ring");
            this.consumer = Objects.requireNonNull(consumer, "consumer");
        }

        /**
         * Deliver to a sink: a failing batch stays in the ring.
         * @param sink the sink
         * @return this builder
         */
        public Builder sink(RecordSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Deliver to a handler: a failing record is consumed.
         * @param handler the handler
         * @return this builder
         */
        public Builder handler(RecordHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The thread's name (default {@code logbuf-drain}).
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Records per drain call (default 256).
         * @param batchLimit at least 1
         * @return this builder
         */
        public Builder batchLimit(int batchLimit) {
            if (batchLimit < 1) {
                throw new IllegalArgumentException("batchLimit must be at least 1, was " + batchLimit);
            }
            this.batchLimit = batchLimit;
            return this;
        }

        /**
         * Makes the loop's idle strategy, once per run (default
         * {@link IdleStrategy#backoff()}).
         * @param idleStrategy the factory
         * @return this builder
         */
        public Builder idleStrategy(Supplier<IdleStrategy> idleStrategy) {
            this.idleStrategy = Objects.requireNonNull(idleStrategy, "idleStrategy");
            return this;
        }

        /**
         * How long draining pauses after a sink failure: {@code min} after the first,
         * doubling up to {@code max} (default 10 ms to 1 s).
         * @param min the first pause
         * @param max the longest pause
         * @return this builder
         */
        public Builder retryBackoff(Duration min, Duration max) {
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("need 0 < min <= max, was " + min + " and " + max);
            }
            this.minRetry = min;
            this.maxRetry = max;
            return this;
        }

        /**
         * Unblocks a claim whose thread has terminated once it has blocked the head for
         * {@code stallTimeout} (default: never).
         * @param stallTimeout how long a dead claim may block the head, or {@code null}
         * for never
         * @return this builder
         */
        public Builder unblockDeadClaims(Duration stallTimeout) {
            if (stallTimeout != null && stallTimeout.isNegative()) {
                throw new IllegalArgumentException("stallTimeout must not be negative, was " + stallTimeout);
            }
            this.unblockAfter = stallTimeout;
            return this;
        }

        /**
         * Hears of failures, recoveries, unblocked claims and the stop.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(DrainListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The clock for back-offs and stall checks (default {@code System::nanoTime}).
         * @param nanoClock a monotonic clock in nanoseconds
         * @return this builder
         */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Makes the loop's thread (default: a platform daemon thread).
         * @param threadFactory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Builds the agent.
         * @return the agent
         * @throws IllegalStateException unless exactly one of a sink and a handler is set
         */
        public DrainAgent build() {
            if ((this.sink == null) == (this.handler == null)) {
                throw new IllegalStateException("set exactly one of sink(...) and handler(...)");
            }
            return new DrainAgent(this);
        }

    }

}
