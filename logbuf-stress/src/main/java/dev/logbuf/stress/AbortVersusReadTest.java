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
 * An aborted claim against a reader: the reader passes the skip marker the abort leaves
 * and never surfaces the aborted bytes (record {@code A}, fully written before the
 * abort); the committed record {@code B} arrives whole, and after the arbiter has read
 * everything the consumer position has caught up with the producer position (the skip
 * marker was released, not stuck). Results: r1 = what the racing reader saw, r2 =
 * everything the consumer saw in the end, then {@code caught-up} or the two positions.
 */
public final class AbortVersusReadTest {

    private AbortVersusReadTest() {
    }

    static String abort(Producer producer) {
        WriteClaim claim = producer.tryClaim(A16.length());
        if (claim == null) {
            return "A:full";
        }
        A16.fill(claim);
        claim.abort();
        return null;
    }

    static String settle(RingBuffer ring, Consumer consumer, Object racingReader) {
        String all = Records.concat(racingReader, Records.readAll(consumer, A16, B8));
        long produced = ring.producerPosition();
        long consumed = ring.consumerPosition();
        return all + (produced == consumed ? " caught-up" : " stuck " + consumed + "/" + produced);
    }

    @JCStressTest
    @Description("SPSC: claim A, fill, abort, then B committed, vs a reader")
    @Outcome(id = "-, B caught-up", expect = Expect.ACCEPTABLE, desc = "reader came before B's commit")
    @Outcome(id = "B, B caught-up", expect = Expect.ACCEPTABLE, desc = "reader passed the skip marker and saw B")
    @Outcome(expect = Expect.FORBIDDEN, desc = "aborted bytes surfaced, torn B, or the skip marker was not passed")
    @State
    public static class Spsc {

        private final RingBuffer ring = RingBuffer.spsc(64);

        private final Producer producer = ring.producer();

        private final Consumer consumer = ring.consumer();

        private volatile String failure;

        @Actor
        public void producer() {
            failure = abort(producer);
            if (failure == null && !B8.claimAndCommit(producer).equals("B")) {
                failure = "B:full";
            }
        }

        @Actor
        public void reader(LL_Result r) {
            r.r1 = Records.readUpTo(consumer, 2, A16, B8);
        }

        @Arbiter
        public void rest(LL_Result r) {
            r.r2 = failure != null ? failure : settle(ring, consumer, r.r1);
        }

    }

    @JCStressTest
    @Description("MPSC: one producer aborts A while another commits B and then reads")
    @Outcome(id = "-, B caught-up", expect = Expect.ACCEPTABLE,
            desc = "A claimed first and not yet aborted: reader waits at A")
    @Outcome(id = "B, B caught-up", expect = Expect.ACCEPTABLE, desc = "reader saw B (A aborted, or claimed after B)")
    @Outcome(expect = Expect.FORBIDDEN, desc = "aborted bytes surfaced, torn B, or the skip marker was not passed")
    @State
    public static class Mpsc {

        private final RingBuffer ring = RingBuffer.mpsc(64);

        private final Producer producer = ring.producer();

        private final Consumer consumer = ring.consumer();

        private volatile String failure;

        @Actor
        public void aborter() {
            failure = abort(producer);
        }

        @Actor
        public void committerThenReader(LL_Result r) {
            String b = B8.claimAndCommit(producer);
            r.r1 = b.equals("B") ? Records.readUpTo(consumer, 2, A16, B8) : "B:" + b;
        }

        @Arbiter
        public void rest(LL_Result r) {
            r.r2 = failure != null ? failure : settle(ring, consumer, r.r1);
        }

    }

}
