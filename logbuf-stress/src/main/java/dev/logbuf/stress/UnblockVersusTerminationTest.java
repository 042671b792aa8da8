package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;
import static dev.logbuf.stress.Records.B8;
import static dev.logbuf.stress.Records.D8;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.util.Optional;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * {@code Consumer.unblock} against a claimant thread that terminates right then.
 *
 * <p>
 * The ring decides "terminated" with {@code Thread.isAlive()} of the claiming thread, so
 * a flag cannot stand in for it, and a jcstress actor thread never terminates. The
 * claimant is therefore a real, short-lived thread per sample, started by the first actor
 * (which joins it): it claims 8 bytes, fills them and then either commits and ends
 * ({@link CommitsThenEnds}) or ends holding the claim ({@link EndsHoldingTheClaim}; the
 * first actor then commits {@code B} behind it). The consumer actor waits until the claim
 * exists and then, a few times, asks {@code blockedClaim()} and calls
 * {@code unblock(...)} with what it got, racing the claimant's commit and its end. A
 * thread start per sample makes this test collect far fewer samples than the others.
 *
 * <ul>
 * <li>A committed record must never be unblocked: its thread committed before it died
 * ({@code CommitsThenEnds}: r1 must be "kept").</li>
 * <li>A claim is unblocked only once its thread has terminated: right after
 * {@code unblock} returned {@code true}, the claimant must not be alive; once it is dead
 * (the arbiter runs after the join) {@code unblock} must succeed; {@code D} (filled,
 * never committed) never surfaces and {@code B} comes out whole.</li>
 * </ul>
 * Results: r1 = who unblocked ("actor", "arbiter", "kept") plus any wrong report, r2 =
 * what the consumer actor read, r3 = what the arbiter read.
 */
public final class UnblockVersusTerminationTest {

    private UnblockVersusTerminationTest() {
    }

    abstract static class Sample {

        final RingBuffer ring = RingBuffer.mpsc(64);

        final Producer producer = this.ring.producer();

        final Consumer consumer = this.ring.consumer();

        final Thread claimant;

        volatile String claimantFailure;

        String unblockedBy = "kept";

        String wrong = "";

        Sample(boolean commits) {
            this.claimant = new Thread(() -> {
                WriteClaim claim = this.producer.tryClaim(8);
                if (claim == null) {
                    this.claimantFailure = "claim failed";
                    return;
                }
                if (commits) {
                    A8.fill(claim);
                    claim.commit();
                }
                else {
                    D8.fill(claim);
                }
            }, "short-lived-claimant");
            this.claimant.setDaemon(true);
        }

        void startAndJoinClaimant() {
            this.claimant.start();
            try {
                this.claimant.join();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        /** A few rounds of blockedClaim() + unblock() once the claim exists. */
        String racingUnblocks() {
            if (!Staging.await(() -> this.ring.producerPosition() > 0)) {
                return "staging timed out";
            }
            for (int i = 0; i < 8 && this.unblockedBy.equals("kept"); i++) {
                Optional<BlockedClaim> blocked = this.ring.blockedClaim();
                if (blocked.isEmpty()) {
                    continue;
                }
                String name = blocked.get().claimantThreadName();
                if (name != null && !name.equals("short-lived-claimant")) {
                    this.wrong += " named " + name;
                }
                if (this.consumer.unblock(blocked.get())) {
                    this.unblockedBy = "actor";
                    if (this.claimant.isAlive()) {
                        this.wrong += " while alive";
                    }
                }
            }
            return this.unblockedBy + this.wrong;
        }

        String arbiterRead() {
            if (this.claimantFailure != null) {
                return this.claimantFailure;
            }
            return Records.readAll(this.consumer, A8, B8, D8);
        }

    }

    @JCStressTest
    @Description("MPSC: the claimant commits and terminates while the consumer tries to unblock it")
    @Outcome(id = "kept, A, -", expect = Expect.ACCEPTABLE, desc = "never unblocked; read by the actor")
    @Outcome(id = "kept, -, A", expect = Expect.ACCEPTABLE, desc = "never unblocked; read afterwards")
    @Outcome(id = "staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: the claim did not appear within the bound")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a committed record unblocked (lost), torn, or a wrong claimant")
    @State
    public static class CommitsThenEnds extends Sample {

        public CommitsThenEnds() {
            super(true);
        }

        @Actor
        public void claimant() {
            startAndJoinClaimant();
        }

        @Actor
        public void consumer(LLL_Result r) {
            r.r1 = racingUnblocks();
            r.r2 = Records.readUpTo(this.consumer, 1, A8, B8, D8);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = arbiterRead();
        }

    }

    @JCStressTest
    @Description("MPSC: the claimant terminates holding its claim while the consumer tries to unblock it")
    @Outcome(id = "actor, B, -", expect = Expect.ACCEPTABLE, desc = "unblocked after the end; B read by the actor")
    @Outcome(id = "actor, -, B", expect = Expect.ACCEPTABLE, desc = "unblocked after the end; B read afterwards")
    @Outcome(id = "arbiter, -, B", expect = Expect.ACCEPTABLE,
            desc = "the actor looked while the claimant lived; unblocked once it was dead")
    @Outcome(id = "staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: the claim did not appear within the bound")
    @Outcome(expect = Expect.FORBIDDEN,
            desc = "unblocked while alive, not unblocked once dead, D surfaced, B torn or lost, wrong claimant")
    @State
    public static class EndsHoldingTheClaim extends Sample {

        public EndsHoldingTheClaim() {
            super(false);
        }

        @Actor
        public void claimant() {
            startAndJoinClaimant();
            if (!this.producer.offer(B8.payload())) {
                this.claimantFailure = "no room for B";
            }
        }

        @Actor
        public void consumer(LLL_Result r) {
            r.r1 = racingUnblocks();
            r.r2 = Records.readAll(this.consumer, A8, B8, D8);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            if (this.unblockedBy.equals("kept") && !String.valueOf(r.r1).startsWith("staging")) {
                Optional<BlockedClaim> blocked = this.ring.blockedClaim();
                if (blocked.isPresent() && !blocked.get().claimantAlive() && this.consumer.unblock(blocked.get())) {
                    r.r1 = "arbiter" + this.wrong;
                }
                else {
                    r.r1 = "not unblocked once dead: " + blocked + this.wrong;
                }
            }
            r.r3 = arbiterRead();
        }

    }

}
