package dev.logbuf.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.logbuf.BlockedClaim;
import dev.logbuf.drain.DrainListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one place a ring's drain failures are logged: what its {@code DrainAgent} reports
 * (handler and sink failures, recoveries, unblocked claims, the stop) and what its
 * archive reports on its own (a failed rotation or retention).
 *
 * <p>
 * <b>Each distinct failure is logged</b>, at ERROR, the first time it happens. Failures
 * are the same when their exception types and messages match apart from numbers (a
 * failing write of 20 bytes and one of 24 bytes to a full disk are one failure); a repeat
 * is counted instead of logged, and the count is logged with the failure again at most
 * once per {@value #REPEAT_LOG_INTERVAL_SECONDS} seconds while it goes on, and when the
 * sink recovers. The exception an archive both reports and throws is logged once.
 *
 * <p>
 * Called on the drain thread (and, for an archive opened in {@code start()}, on the
 * thread that starts the drain); synchronized, since failures are rare.
 */
final class RingDrainListener implements DrainListener {

    static final int REPEAT_LOG_INTERVAL_SECONDS = 60;

    private static final long REPEAT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(REPEAT_LOG_INTERVAL_SECONDS);

    /** Distinct failures remembered; the least recently seen is forgotten first. */
    private static final int MAX_REMEMBERED = 32;

    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    private static final Log logger = LogFactory.getLog(RingDrainListener.class);

    private final String ringName;

    private final String target;

    private final LogbufNanoClock clock;

    /** Failures seen since the last recovery, by signature; guarded by {@code this}. */
    private final Map<String, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > MAX_REMEMBERED;
        }

    };

    /** The last failure reported, so that one reported twice is logged once. */
    private Throwable lastReported;

    /**
     * @param ringName the ring's name
     * @param target where the ring drains to, for the log lines
     * @param clock the clock of the repeat interval
     */
    RingDrainListener(String ringName, String target, LogbufNanoClock clock) {
        this.ringName = ringName;
        this.target = target;
        this.clock = clock;
    }

    @Override
    public synchronized void onFailure(Throwable error, boolean recordsKept) {
        if (error == this.lastReported) {
            return; // the archive reported it already, then threw it
        }
        this.lastReported = error;
        String consequence = recordsKept ? "the batch stays in the ring and is handed over again after a back-off"
                : "the record is skipped and the drain loop goes on";
        report(error, "Drain of logbuf ring '" + this.ringName + "' to " + this.target + " failed; " + consequence);
    }

    /**
     * A failure the ring's archive reported, thrown to the drain loop or not (a failed
     * rotation or retention is only reported).
     * @param error the failure
     */
    synchronized void onArchiveFailure(Throwable error) {
        this.lastReported = error;
        report(error, "Archive of logbuf ring '" + this.ringName + "' failed: " + error.getMessage());
    }

    @Override
    public synchronized void onRecovered(long failedAttempts) {
        long notLogged = this.seen.values().stream().mapToLong((seen) -> seen.repeats).sum();
        logger.warn("Drain of logbuf ring '" + this.ringName + "' to " + this.target + " recovered after "
                + failedAttempts + " failed attempts"
                + ((notLogged > 0) ? " (" + notLogged + " repeated failures were counted, not logged)" : ""));
        this.seen.clear();
        this.lastReported = null;
    }

    @Override
    public void onClaimUnblocked(BlockedClaim claim) {
        logger.error("Logbuf ring '" + this.ringName + "': thread '" + claim.claimantThreadName() + "' (id "
                + claim.claimantThreadId() + ") ended without committing or aborting its claim at position "
                + claim.position() + ", which had blocked the ring for "
                + TimeUnit.NANOSECONDS.toMillis(claim.blockedForNanos())
                + " ms; the claim was unblocked (turned into a skip marker) so that the records behind it drain."
                + " That record is lost: let the claiming code close its claim in try-with-resources.");
    }

    @Override
    public void onStopped(boolean drainedAll, long bytesLeft, Optional<BlockedClaim> blocked) {
        if (drainedAll) {
            if (logger.isDebugEnabled()) {
                logger.debug("Drain of logbuf ring '" + this.ringName + "' stopped after handing over every record");
            }
            return;
        }
        logger
            .warn("Drain of logbuf ring '" + this.ringName + "' stopped with " + bytesLeft + " bytes not handed to "
                    + this.target
                    + blocked.map((claim) -> " (the record at position " + claim.position()
                            + " is still claimed by thread '" + claim.claimantThreadName() + "', id "
                            + claim.claimantThreadId() + ((claim.claimantAlive()) ? "" : ", which has ended") + ")")
                        .orElse(""));
    }

    private void report(Throwable error, String message) {
        long now = this.clock.nanoTime();
        String signature = signature(error);
        Seen seen = this.seen.get(signature);
        if (seen == null) {
            this.seen.put(signature, new Seen(now));
            logger.error(message, error);
            return;
        }
        seen.repeats++;
        if (now - seen.loggedAtNanos >= REPEAT_LOG_INTERVAL_NANOS) {
            logger.error(message + " (the same failure " + seen.repeats + " times since it was last logged)", error);
            seen.loggedAtNanos = now;
            seen.repeats = 0;
        }
    }

    /** Types and messages of the failure and its causes, numbers left out. */
    static String signature(Throwable error) {
        StringBuilder signature = new StringBuilder();
        for (Throwable t = error; t != null
                && signature.length() < 2048; t = (t.getCause() != t) ? t.getCause() : null) {
            signature.append(t.getClass().getName()).append(": ");
            if (t.getMessage() != null) {
                signature.append(NUMBER.matcher(t.getMessage()).replaceAll("#"));
            }
            signature.append('\n');
        }
        return signature.toString();
    }

    private static final class Seen {

        long loggedAtNanos;

        long repeats;

        Seen(long loggedAtNanos) {
            this.loggedAtNanos = loggedAtNanos;
        }

    }

}
