package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a {@link LogbufAppender}, for health and meters, from any thread.
 *
 * @param state the appender's state
 * @param sinkBusyForNanos how long the sink has been in the call it is in now (a write
 * that does not return: standard output nobody reads, a full pipe); 0 when it is idle
 * @param lastFailure what the sink threw while it is failing; {@code null} once a batch
 * went through again
 * @param drainFailures failed drain calls so far
 * @param recordsDrained records handed to the sink so far
 * @param dropped events dropped so far per level (TRACE to ERROR, every level present)
 * @param truncated events cut to the ring's largest record so far
 * @param waitsTimedOut calls that waited for room {@code maxWait} long in vain (at most
 * one per stall of the sink: see {@link FullRingPolicy})
 * @param usedBytes bytes waiting in the ring
 */
public record LoggingStatus(State state, long sinkBusyForNanos, Throwable lastFailure, long drainFailures,
        long recordsDrained, Map<Level, Long> dropped, long truncated, long waitsTimedOut, long usedBytes) {

    /** What a health check reports. */
    public enum State {

        /** Not started yet. */
        NOT_STARTED,
        /** Draining normally. */
        RUNNING,
        /**
         * The sink has been in one call for longer than the appender's stall timeout: the
         * ring fills and events are dropped by the {@link FullRingPolicy}.
         */
        STALLED,
        /** The sink's last call threw; the drain retries the same records. */
        FAILING,
        /** Stopped (the last records were drained, or the status says why not). */
        STOPPED

    }

    /** The last failure, if the sink is failing. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(this.lastFailure);
    }

    /** Whether the state is {@link State#RUNNING}. */
    public boolean healthy() {
        return this.state == State.RUNNING;
    }

}
