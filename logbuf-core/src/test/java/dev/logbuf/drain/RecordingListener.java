package dev.logbuf.drain;

import dev.logbuf.BlockedClaim;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the listener heard, in order. */
final class RecordingListener implements DrainListener {

    final List<Boolean> failures = new CopyOnWriteArrayList<>();

    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    final List<Long> recovered = new CopyOnWriteArrayList<>();

    final List<BlockedClaim> unblocked = new CopyOnWriteArrayList<>();

    final List<String> stopped = Collections.synchronizedList(new ArrayList<>());

    final AtomicReference<Optional<BlockedClaim>> stoppedBlocked = new AtomicReference<>();

    final AtomicLong stoppedBytesLeft = new AtomicLong(-1);

    @Override
    public void onFailure(Throwable error, boolean recordsKept) {
        this.failures.add(recordsKept);
        this.errors.add(error);
    }

    @Override
    public void onRecovered(long failedAttempts) {
        this.recovered.add(failedAttempts);
    }

    @Override
    public void onClaimUnblocked(BlockedClaim claim) {
        this.unblocked.add(claim);
    }

    @Override
    public void onStopped(boolean drainedAll, long bytesLeft, Optional<BlockedClaim> blocked) {
        this.stopped.add(drainedAll + " " + bytesLeft + " " + (blocked.isPresent() ? "blocked" : "-"));
        this.stoppedBlocked.set(blocked);
        this.stoppedBytesLeft.set(bytesLeft);
    }

}
