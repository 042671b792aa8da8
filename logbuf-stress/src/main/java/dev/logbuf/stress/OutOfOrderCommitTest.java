package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A16;
import static dev.logbuf.stress.Records.B8;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * MPSC commits out of claim order: A is claimed first and committed last.
 *
 * <p>
 * Producer 1 claims A, signals, waits until B is committed, then fills and commits A.
 * Producer 2 waits for A's claim, claims, fills and commits B, and then reads — racing
 * A's commit. The reader must wait at A's uncommitted header: it sees nothing, A, or A
 * then B, never B first. Results: r1 = what the racing reader saw, r2 = everything read
 * in the end (must be AB).
 */
@JCStressTest
@Description("MPSC: A claimed first, B claimed and committed, then A committed; reader right after B's commit")
@Outcome(id = "-, AB", expect = Expect.ACCEPTABLE, desc = "reader waited at A's uncommitted head")
@Outcome(id = "A, AB", expect = Expect.ACCEPTABLE, desc = "A's commit landed between the reads")
@Outcome(id = "AB, AB", expect = Expect.ACCEPTABLE, desc = "A's commit landed before the first read")
@Outcome(id = ".*staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "the forced interleaving did not happen within the bound (scheduling); nothing is proven by this sample")
@Outcome(expect = Expect.FORBIDDEN, desc = "B read before A, torn or lost record, or a failed claim")
@State
public class OutOfOrderCommitTest {

    private final RingBuffer ring = RingBuffer.mpsc(64);

    private final Producer producer = ring.producer();

    private final Consumer consumer = ring.consumer();

    private volatile boolean aClaimed;

    private volatile boolean bCommitted;

    private volatile String failure;

    @Actor
    public void firstClaimantCommitsLast() {
        WriteClaim a = producer.tryClaim(A16.length());
        if (a == null) {
            failure = "A:full";
            aClaimed = true;
            return;
        }
        aClaimed = true;
        if (!Staging.await(() -> bCommitted)) {
            failure = "staging timed out";
        }
        A16.fill(a);
        a.commit();
    }

    @Actor
    public void secondClaimantThenReader(LL_Result r) {
        if (!Staging.await(() -> aClaimed)) {
            failure = "staging timed out";
            return;
        }
        String b = B8.claimAndCommit(producer);
        bCommitted = true;
        r.r1 = b.equals("B") ? Records.readUpTo(consumer, 2, A16, B8) : "B:" + b;
    }

    @Arbiter
    public void rest(LL_Result r) {
        if (failure != null) {
            r.r2 = failure;
            return;
        }
        r.r2 = Records.concat(r.r1, Records.readAll(consumer, A16, B8));
    }

}
