package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.util.Optional;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@code RingBuffer.blockedClaim()} read from a monitoring thread.
 *
 * <p>
 * The outcome space is defined by what the monitor can know: it reads a volatile flag the
 * producer sets right after its claim returns ({@code claimed}) or right after its commit
 * returns ({@code committed}).
 * <ul>
 * <li>{@link Staged}: the producer claims, sets {@code claimed}, and commits only after
 * the monitor's first look. A monitor that saw {@code claimed} must get a stall at
 * position 0, named for the producer's thread (or {@code null}), blocked no longer than
 * since just before the claim; a monitor that did not see it may get either answer. After
 * the producer's {@code committed} flag is seen, no stall may be reported.</li>
 * <li>{@link Racing}: claim and commit back to back, monitor once after reading
 * {@code committed}: with the flag seen, a stall report is forbidden; without it, both
 * answers are fine.</li>
 * </ul>
 */
public final class BlockedClaimTest {

    private BlockedClaimTest() {
    }

    static String describe(Optional<BlockedClaim> blocked, String producerThread, long claimStartedNanos, long now) {
        if (blocked.isEmpty()) {
            return "-";
        }
        BlockedClaim claim = blocked.get();
        StringBuilder s = new StringBuilder("stall@").append(claim.position());
        String name = claim.claimantThreadName();
        if (name != null && producerThread != null && !name.equals(producerThread)) {
            s.append(" by ").append(name).append(" not ").append(producerThread);
        }
        if (claim.blockedForNanos() < 0) {
            s.append(" negative blockedFor");
        }
        else if (claimStartedNanos != 0 && claim.blockedForNanos() > now - claimStartedNanos) {
            s.append(" blockedFor longer than the claim");
        }
        return s.toString();
    }

    abstract static class StagedSample {

        final RingBuffer ring;

        final Producer producer;

        volatile long claimStartedNanos;

        volatile String producerThread;

        volatile boolean claimed;

        volatile boolean looked;

        volatile boolean committed;

        volatile String failure;

        StagedSample(RingBuffer ring) {
            this.ring = ring;
            this.producer = ring.producer();
        }

        void produce() {
            producerThread = Thread.currentThread().getName();
            claimStartedNanos = System.nanoTime();
            WriteClaim claim = producer.tryClaim(A8.length());
            if (claim == null) {
                failure = "claim failed";
                committed = true;
                return;
            }
            claimed = true;
            Staging.await(() -> looked);
            A8.fill(claim);
            claim.commit();
            committed = true;
        }

        void monitor(LLL_Result r) {
            boolean sawClaimed = claimed;
            String thread = producerThread;
            long started = claimStartedNanos;
            Optional<BlockedClaim> first = ring.blockedClaim();
            long now = System.nanoTime();
            looked = true;
            r.r1 = sawClaimed ? "claimed" : "not-yet";
            r.r2 = describe(first, thread, sawClaimed ? started : 0, now);
            if (!Staging.await(() -> committed)) {
                r.r3 = "staging timed out";
                return;
            }
            r.r3 = failure != null ? failure : describe(ring.blockedClaim(), thread, 0, 0);
        }

    }

    @JCStressTest
    @Description("SPSC: blockedClaim() while the claim is held, then after the commit")
    @Outcome(id = "claimed, stall@0, -", expect = Expect.ACCEPTABLE,
            desc = "claim seen held: stall reported; cleared after the commit")
    @Outcome(id = "not-yet, stall@0, -", expect = Expect.ACCEPTABLE, desc = "claim raced the first look and won")
    @Outcome(id = "not-yet, -, -", expect = Expect.ACCEPTABLE, desc = "first look before the claim")
    @Outcome(id = ".*staging timed out", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: the commit was not seen within the bound")
    @Outcome(expect = Expect.FORBIDDEN,
            desc = "missed a held claim, stall after commit, wrong position, thread or duration")
    @State
    public static class Staged extends StagedSample {

        public Staged() {
            super(RingBuffer.spsc(64));
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void monitor(LLL_Result r) {
            super.monitor(r);
        }

    }

    @JCStressTest
    @Description("MPSC: blockedClaim() while the claim is held, then after the commit")
    @Outcome(id = "claimed, stall@0, -", expect = Expect.ACCEPTABLE,
            desc = "claim seen held: stall reported; cleared after the commit")
    @Outcome(id = "not-yet, stall@0, -", expect = Expect.ACCEPTABLE, desc = "claim raced the first look and won")
    @Outcome(id = "not-yet, -, -", expect = Expect.ACCEPTABLE, desc = "first look before the claim")
    @Outcome(id = ".*staging timed out", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: the commit was not seen within the bound")
    @Outcome(expect = Expect.FORBIDDEN,
            desc = "missed a held claim, stall after commit, wrong position, thread or duration")
    @State
    public static class MpscStaged extends StagedSample {

        public MpscStaged() {
            super(RingBuffer.mpsc(64));
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void monitor(LLL_Result r) {
            super.monitor(r);
        }

    }

    @JCStressTest
    @Description("MPSC: claim+commit back to back vs one blockedClaim() after reading the committed flag")
    @Outcome(id = "committed, -", expect = Expect.ACCEPTABLE, desc = "commit seen: no stall")
    @Outcome(id = "not-yet, -", expect = Expect.ACCEPTABLE, desc = "looked before the claim or after the commit")
    @Outcome(id = "not-yet, stall@0", expect = Expect.ACCEPTABLE, desc = "looked while the claim was held")
    @Outcome(expect = Expect.FORBIDDEN, desc = "stall reported for a committed record, or a wrong position/thread")
    @State
    public static class Racing {

        private final RingBuffer ring = RingBuffer.mpsc(64);

        private final Producer producer = ring.producer();

        private volatile String producerThread;

        private volatile boolean committed;

        @Actor
        public void producer() {
            producerThread = Thread.currentThread().getName();
            A8.claimAndCommit(producer);
            committed = true;
        }

        @Actor
        public void monitor(LL_Result r) {
            boolean sawCommitted = committed;
            String thread = producerThread;
            r.r1 = sawCommitted ? "committed" : "not-yet";
            r.r2 = describe(ring.blockedClaim(), thread, 0, 0);
        }

    }

}
