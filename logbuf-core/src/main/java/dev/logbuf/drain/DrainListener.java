package dev.logbuf.drain;

import dev.logbuf.BlockedClaim;
import java.util.Optional;

/**
 * What a {@link DrainAgent} reports, on its own thread: failures, recoveries, unblocked
 * claims and how it stopped. Every method has an empty default; an exception thrown here
 * is ignored (it never stops the loop). Logging and counting live here, so the loop
 * itself needs neither.
 */
public interface DrainListener {

    /**
     * A drain call failed.
     * @param error what the sink or handler threw
     * @param recordsKept {@code true} when a {@link dev.logbuf.RecordSink} failed: its
     * batch stays in the ring and is handed over again after a back-off; {@code false}
     * when a {@link dev.logbuf.RecordHandler} threw: the record counts as consumed and
     * the loop goes on at once
     */
    default void onFailure(Throwable error, boolean recordsKept) {
    }

    /**
     * A sink took a batch again after {@code failedAttempts} failed drain calls.
     * @param failedAttempts the failed attempts since the last success
     */
    default void onRecovered(long failedAttempts) {
    }

    /**
     * A claim whose thread had terminated without committing it was turned into a skip
     * marker, so the ring moves on.
     * @param claim the claim as it was reported just before
     */
    default void onClaimUnblocked(BlockedClaim claim) {
    }

    /**
     * The loop ended.
     * @param drainedAll whether every record claimed before the stop was handed over
     * @param bytesLeft bytes still in the ring ({@code 0} when {@code drainedAll})
     * @param blocked the claim that kept the rest back, if one did
     */
    default void onStopped(boolean drainedAll, long bytesLeft, Optional<BlockedClaim> blocked) {
    }

}
