package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A16;
import static dev.logbuf.stress.Records.A24;
import static dev.logbuf.stress.Records.B8;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * Records racing for the last bytes before the wrap, so that the second one needs a skip
 * marker and lands at index 0.
 *
 * <p>
 * Every sample starts from a 64-byte ring whose head and tail stand at position 32 (one
 * 24-byte record written and released), leaving 32 bytes before the end. {@code A} takes
 * a 24-byte slot, {@code B} a 16-byte slot:
 * <ul>
 * <li>A claimed first: A at [32,56), skip marker [56,64), B at [64,80); the producer
 * position ends at 80;</li>
 * <li>B claimed first: B at [32,48), skip marker [48,64), A at [64,88); it ends at
 * 88.</li>
 * </ul>
 * So the final producer position tells the claim order, and the records must come out
 * whole in exactly that order. Only two CPUs are guaranteed, so the reader shares an
 * actor with one producer: it reads right after its own commit, racing the other
 * producer's claim and commit; the arbiter reads the rest.
 */
public final class WrapRaceTest {

    private WrapRaceTest() {
    }

    static void moveToPosition32(Producer producer, Consumer consumer) {
        if (!producer.offer(A24.payload())) {
            throw new IllegalStateException("empty 64-byte ring refused a 24-byte record");
        }
        if (Records.readAll(consumer, A24).equals("-")) {
            throw new IllegalStateException("committed record not readable");
        }
    }

    @JCStressTest
    @Description("MPSC: two producers race for the bytes before the wrap; one reads after its commit")
    @Outcome(id = "AB@80, -", expect = Expect.ACCEPTABLE,
            desc = "A claimed first; reader stopped at A (not yet committed)")
    @Outcome(id = "AB@80, AB", expect = Expect.ACCEPTABLE, desc = "A claimed first; reader saw both")
    @Outcome(id = "BA@88, B", expect = Expect.ACCEPTABLE, desc = "B claimed first; reader saw B, A not yet committed")
    @Outcome(id = "BA@88, BA", expect = Expect.ACCEPTABLE, desc = "B claimed first; reader saw both")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn, lost, duplicated or out-of-claim-order record, or a failed claim")
    @State
    public static class Mpsc {

        private final RingBuffer ring = RingBuffer.mpsc(64);

        private final Producer producer = ring.producer();

        private final Consumer consumer = ring.consumer();

        public Mpsc() {
            moveToPosition32(producer, consumer);
        }

        @Actor
        public void producerA(LL_Result r) {
            String a = A16.claimAndCommit(producer);
            if (!a.equals("A")) {
                r.r1 = "A:" + a;
            }
        }

        @Actor
        public void producerBThenReader(LL_Result r) {
            String b = B8.claimAndCommit(producer);
            r.r2 = b.equals("B") ? Records.readUpTo(consumer, 2, A16, B8) : "B:" + b;
        }

        @Arbiter
        public void rest(LL_Result r) {
            if (r.r1 != null) {
                return;
            }
            r.r1 = Records.concat(r.r2, Records.readAll(consumer, A16, B8)) + "@" + ring.producerPosition();
        }

    }

    @JCStressTest
    @Description("SPSC: the producer writes A then B across the wrap while the consumer reads")
    @Outcome(id = "AB@80, -", expect = Expect.ACCEPTABLE, desc = "reader came before A's commit")
    @Outcome(id = "AB@80, A", expect = Expect.ACCEPTABLE, desc = "reader saw A, B (after the skip marker) not yet")
    @Outcome(id = "AB@80, AB", expect = Expect.ACCEPTABLE, desc = "reader saw both, passing the skip marker")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn, lost, duplicated or reordered record, or a failed claim")
    @State
    public static class Spsc {

        private final RingBuffer ring = RingBuffer.spsc(64);

        private final Producer producer = ring.producer();

        private final Consumer consumer = ring.consumer();

        public Spsc() {
            moveToPosition32(producer, consumer);
        }

        @Actor
        public void producer(LL_Result r) {
            String a = A16.claimAndCommit(producer);
            String b = B8.claimAndCommit(producer);
            if (!(a + b).equals("AB")) {
                r.r1 = "claims:" + a + "," + b;
            }
        }

        @Actor
        public void reader(LL_Result r) {
            r.r2 = Records.readUpTo(consumer, 2, A16, B8);
        }

        @Arbiter
        public void rest(LL_Result r) {
            if (r.r1 != null) {
                return;
            }
            r.r1 = Records.concat(r.r2, Records.readAll(consumer, A16, B8)) + "@" + ring.producerPosition();
        }

    }

}
