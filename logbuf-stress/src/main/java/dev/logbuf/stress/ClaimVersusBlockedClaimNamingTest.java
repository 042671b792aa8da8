package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;
import static dev.logbuf.stress.Records.B8;

import dev.logbuf.BlockedClaim;
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
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * Claim and commit on two MPSC producer threads against {@code blockedClaim()} naming the
 * claimant: the report must name the thread that claimed the record at the reported
 * position (or nobody, while its header is not yet written), with that thread's id, and
 * say it is alive; never the other thread, never a committed record.
 *
 * <p>
 * Producer A claims, fills and commits {@code A}; producer B does the same with {@code B}
 * and then, right after its own commit, asks {@code blockedClaim()}. Each records the
 * position its claim got, its thread name and id. The arbiter judges the report against
 * those: a stall can only be A's record (B's was committed before the look). Results: r1
 * = the report as judged ("-", "A named", "A unnamed" or what is wrong), r2 = which claim
 * came first.
 */
@JCStressTest
@Description("MPSC: two producers claim and commit; blockedClaim() right after B's commit names A or nobody")
@Outcome(id = "-, .*", expect = Expect.ACCEPTABLE, desc = "nothing blocked when B looked")
@Outcome(id = "A named, A first", expect = Expect.ACCEPTABLE, desc = "A's claim held, named for A's thread")
@Outcome(id = "A unnamed, A first", expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "A had reserved position 0 but not yet written its header: no claimant known")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "stall on B's committed record, wrong name or id, or A reported dead (it committed before it ended)")
@State
public class ClaimVersusBlockedClaimNamingTest {

    private final RingBuffer ring = RingBuffer.mpsc(64);

    private final Producer producer = this.ring.producer();

    private volatile long positionA = -1;

    private volatile long positionB = -1;

    private volatile String nameA;

    private volatile long idA;

    private Optional<BlockedClaim> report;

    @SuppressWarnings("deprecation") // Thread.threadId() needs Java 19
    private static long id(Thread thread) {
        return thread.getId();
    }

    @Actor
    public void producerA() {
        Thread self = Thread.currentThread();
        this.nameA = self.getName();
        this.idA = id(self);
        WriteClaim claim = this.producer.tryClaim(A8.length());
        this.positionA = claim.position();
        A8.fill(claim);
        claim.commit();
    }

    @Actor
    public void producerB() {
        WriteClaim claim = this.producer.tryClaim(B8.length());
        this.positionB = claim.position();
        B8.fill(claim);
        claim.commit();
        this.report = this.ring.blockedClaim();
    }

    @Arbiter
    public void arbiter(LL_Result r) {
        r.r2 = (this.positionA < this.positionB) ? "A first" : "B first";
        if (this.report.isEmpty()) {
            r.r1 = "-";
            return;
        }
        BlockedClaim claim = this.report.get();
        if (claim.position() == this.positionB) {
            r.r1 = "stall on B, committed before the look";
            return;
        }
        if (claim.position() != this.positionA) {
            r.r1 = "stall at " + claim.position() + ", neither A nor B";
            return;
        }
        if (claim.claimantThreadName() == null) {
            r.r1 = (claim.claimantThreadId() == -1 && claim.claimantAlive()) ? "A unnamed"
                    : "unnamed but id " + claim.claimantThreadId() + " alive " + claim.claimantAlive();
            return;
        }
        boolean named = claim.claimantThreadName().equals(this.nameA) && claim.claimantThreadId() == this.idA;
        if (!named) {
            r.r1 = "named " + claim.claimantThreadName() + " id " + claim.claimantThreadId() + ", not A's thread";
            return;
        }
        // A's thread commits before it can end: "dead" is a header read while the claim
        // was open joined to a liveness read after A committed and ended (jcstress's
        // resource-check phase runs each sample on threads of their own, which end)
        r.r1 = claim.claimantAlive() ? "A named" : "A named, dead";
    }

}
