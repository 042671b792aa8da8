package dev.logbuf.spring.boot;

import java.util.Optional;

import dev.logbuf.BlockedClaim;
import dev.logbuf.RecordHandler;
import dev.logbuf.RecordSink;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.drain.DrainAgent;
import dev.logbuf.drain.DrainListener;

import org.springframework.context.SmartLifecycle;

/**
 * The drain loop of one ring as a {@link SmartLifecycle}: starts and stops the core's
 * {@link DrainAgent} on a thread named {@code logbuf-drain-<name>}. A ring with an
 * archive drains into it as its {@link RecordSink} (a failing write keeps its batch in
 * the ring, which is handed over again after a back-off); a ring with a handler bean
 * drains into that {@link RecordHandler} (a handler that throws consumes its record, so
 * one bad record never wedges the ring). Failures, recoveries and unblocked claims are
 * logged by the ring's drain listener.
 *
 * <p>
 * Shutdown: the loop runs in {@link #PHASE}, below the web server's graceful shutdown and
 * stop phases, so it starts before the server accepts requests and stops only after
 * in-flight requests have finished. {@link #stop()} first makes the ring's Producer bean
 * refuse claims, then stops the agent, which keeps draining until every claimed record
 * has been handed over or {@code drain.shutdown-timeout} has passed, and closes the sink
 * (the archive writes, forces and closes its segment).
 */
public final class RingDrainLifecycle implements SmartLifecycle {

    /**
     * The drain loops' lifecycle phase: below Boot's web server graceful shutdown
     * ({@code DEFAULT_PHASE - 1024}) and web server start/stop
     * ({@code DEFAULT_PHASE - 2048}) phases. Lower phases start first and stop last.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final LogbufRing ring;

    private final RecordHandler handler;

    private final Object lifecycleMonitor = new Object();

    /**
     * The agent of the current (or last) run and the counts of earlier runs, replaced as
     * one value at each start so that monitoring reads a consistent pair.
     */
    private volatile Runs runs = new Runs(null, 0, 0, 0);

    /** Written under lifecycleMonitor; volatile for isRunning() from any thread. */
    private volatile boolean running;

    /**
     * @param ring the ring to drain
     * @param handler the handler bean it feeds, {@code null} for a ring with an archive
     */
    public RingDrainLifecycle(LogbufRing ring, RecordHandler handler) {
        if ((handler == null) == ring.archive().isEmpty()) {
            throw new IllegalArgumentException(
                    "Logbuf ring '" + ring.name() + "' drains to exactly one of a handler bean and its archive");
        }
        this.ring = ring;
        this.handler = handler;
        ring.attach(this);
    }

    /**
     * Opens the archive (for a ring with one) and starts the drain thread.
     * @throws ArchiveOpenException when the ring's archive cannot be opened
     * @throws IllegalStateException when the thread of a previous run is still in a sink
     * call
     */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            Runs previous = this.runs;
            Optional<Thread> thread = (previous.agent != null) ? previous.agent.thread() : Optional.empty();
            if (thread.isPresent() && thread.get().isAlive()) {
                throw new IllegalStateException("Drain thread " + thread.get().getName()
                        + " of the previous run is still in a handler call; not starting a second one");
            }
            RingSettings settings = this.ring.settings();
            DrainAgent.Builder builder = DrainAgent.builder(this.ring.ringBuffer(), this.ring.consumer())
                .name("logbuf-drain-" + this.ring.name())
                .batchLimit(settings.batchLimit())
                .idleStrategy(settings.idleStrategy()::create)
                .unblockDeadClaims(settings.unblockDeadClaims() ? settings.stallTimeout() : null)
                .nanoClock(this.ring.clock()::nanoTime);
            ArchiveWriter openWriter = null;
            if (this.handler != null) {
                builder.handler(this.handler).listener(this.ring.drainListener());
            }
            else {
                // a new writer per run: the agent closes its sink when it stops, which
                // releases the directory's lock
                RingArchive archive = this.ring.archive().orElseThrow();
                ArchiveWriter writer = archive.open();
                builder.sink(writer).listener(new ArchiveRunListener(this.ring.drainListener(), archive, writer));
                openWriter = writer;
            }
            DrainAgent agent;
            try {
                agent = builder.build();
            }
            catch (RuntimeException ex) {
                if (openWriter != null) {
                    openWriter.close();
                    this.ring.archive().orElseThrow().closed(openWriter);
                }
                throw ex;
            }
            this.runs = previous.next(agent);
            this.ring.producer().acceptClaims();
            agent.start();
            this.running = true;
        }
    }

    /**
     * Makes the Producer bean refuse claims, then drains what was claimed before (bounded
     * by {@code drain.shutdown-timeout}) and closes the sink.
     */
    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return;
            }
            this.ring.producer().refuseClaims();
            this.runs.agent.stop(this.ring.settings().shutdownTimeout());
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

    /**
     * Whether the lifecycle is started and its drain thread is alive.
     * @return whether the drain thread runs
     */
    public boolean isDrainThreadAlive() {
        DrainAgent agent = this.runs.agent;
        return this.running && agent != null && agent.isThreadAlive();
    }

    /**
     * Records handed to the handler or the archive so far, over every run; a handler's
     * failing record counts.
     * @return the count
     */
    public long recordsConsumed() {
        Runs runs = this.runs;
        return runs.recordsConsumed + ((runs.agent != null) ? runs.agent.recordsDrained() : 0);
    }

    /**
     * Drain calls that failed so far, over every run.
     * @return the count
     */
    public long drainErrors() {
        Runs runs = this.runs;
        return runs.drainErrors + ((runs.agent != null) ? runs.agent.failures() : 0);
    }

    /**
     * Claims of terminated threads unblocked so far, over every run.
     * @return the count
     */
    public long claimsUnblocked() {
        Runs runs = this.runs;
        return runs.claimsUnblocked + ((runs.agent != null) ? runs.agent.claimsUnblocked() : 0);
    }

    /**
     * The ring this loop drains.
     * @return the ring
     */
    public LogbufRing ring() {
        return this.ring;
    }

    @Override
    public String toString() {
        return "RingDrainLifecycle[" + this.ring.name() + " -> " + this.ring.settings().target() + "]";
    }

    /**
     * The ring's drain listener for one run into an archive writer, which also tells the
     * archive once the agent has closed the writer ({@code onStopped} comes after the
     * sink's {@code close()}, on the drain thread).
     */
    private record ArchiveRunListener(DrainListener delegate, RingArchive archive,
            ArchiveWriter writer) implements DrainListener {

        @Override
        public void onFailure(Throwable error, boolean recordsKept) {
            this.delegate.onFailure(error, recordsKept);
        }

        @Override
        public void onRecovered(long failedAttempts) {
            this.delegate.onRecovered(failedAttempts);
        }

        @Override
        public void onClaimUnblocked(BlockedClaim claim) {
            this.delegate.onClaimUnblocked(claim);
        }

        @Override
        public void onStopped(boolean drainedAll, long bytesLeft, Optional<BlockedClaim> blocked) {
            this.archive.closed(this.writer);
            this.delegate.onStopped(drainedAll, bytesLeft, blocked);
        }

    }

    /**
     * The current agent and the totals of the runs before it.
     */
    private record Runs(DrainAgent agent, long recordsConsumed, long drainErrors, long claimsUnblocked) {

        Runs next(DrainAgent next) {
            if (this.agent == null) {
                return new Runs(next, 0, 0, 0);
            }
            return new Runs(next, this.recordsConsumed + this.agent.recordsDrained(),
                    this.drainErrors + this.agent.failures(), this.claimsUnblocked + this.agent.claimsUnblocked());
        }

    }

}
