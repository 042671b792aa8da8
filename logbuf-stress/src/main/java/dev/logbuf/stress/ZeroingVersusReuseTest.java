package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;
import static dev.logbuf.stress.Records.B8;
import static dev.logbuf.stress.Records.C8;

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
 * The consumer zeroing and releasing space against a producer that reuses it at once.
 *
 * <p>
 * Each sample starts with a full 32-byte ring: {@code A} at [0,16) and {@code B} at
 * [16,32), 8-byte payloads. The consumer reads and releases A and B, then tries one more
 * read at position 32 — index 0 again, where A's header and bytes used to be. The
 * producer spins until the claim for {@code C} succeeds (the first release makes room),
 * fills it and commits. If space is released before it is zeroed, the zeroing can wipe
 * C's header or payload; if it is not zeroed at all, the third read can take A's stale
 * header for a new record. Results: r1 = what the consumer actor read, r2 = what the
 * arbiter read afterwards.
 */
public final class ZeroingVersusReuseTest {

    private ZeroingVersusReuseTest() {
    }

    abstract static class Sample {

        final Producer producer;

        final Consumer consumer;

        volatile String producerFailure;

        Sample(RingBuffer ring) {
            producer = ring.producer();
            consumer = ring.consumer();
            if (!producer.offer(A8.payload()) || !producer.offer(B8.payload())) {
                throw new IllegalStateException("a 32-byte ring must hold two 8-byte records");
            }
        }

        void produceC() {
            WriteClaim[] claim = new WriteClaim[1];
            if (!Staging.await(() -> (claim[0] = producer.tryClaim(C8.length())) != null)) {
                producerFailure = "no room for C";
                return;
            }
            C8.fill(claim[0]);
            claim[0].commit();
        }

        String readAThenBThenOne() {
            return Records.readUpTo(consumer, 1, A8, B8, C8) + Records.readUpTo(consumer, 1, A8, B8, C8)
                    + Records.readUpTo(consumer, 1, A8, B8, C8);
        }

        String drainTwice() {
            String first = Records.drainAll(consumer, A8, B8, C8);
            String second = Records.drainAll(consumer, A8, B8, C8);
            return first + "/" + second;
        }

        String rest() {
            return producerFailure != null ? producerFailure : Records.readAll(consumer, A8, B8, C8);
        }

    }

    @JCStressTest
    @Description("SPSC: tryRead/close of A and B, then one more tryRead, vs the producer reusing A's space for C")
    @Outcome(id = "AB-, C", expect = Expect.ACCEPTABLE, desc = "third read came before C's commit")
    @Outcome(id = "ABC, -", expect = Expect.ACCEPTABLE, desc = "third read saw C whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "stale A read again, torn or lost C")
    @State
    public static class Spsc extends Sample {

        public Spsc() {
            super(RingBuffer.spsc(32));
        }

        @Actor
        public void consumer(LL_Result r) {
            r.r1 = readAThenBThenOne();
        }

        @Actor
        public void producer() {
            produceC();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r2 = rest();
        }

    }

    @JCStressTest
    @Description("MPSC: tryRead/close of A and B, then one more tryRead, vs the producer reusing A's space for C")
    @Outcome(id = "AB-, C", expect = Expect.ACCEPTABLE, desc = "third read came before C's commit")
    @Outcome(id = "ABC, -", expect = Expect.ACCEPTABLE, desc = "third read saw C whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "stale A read again, torn or lost C")
    @State
    public static class Mpsc extends Sample {

        public Mpsc() {
            super(RingBuffer.mpsc(32));
        }

        @Actor
        public void consumer(LL_Result r) {
            r.r1 = readAThenBThenOne();
        }

        @Actor
        public void producer() {
            produceC();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r2 = rest();
        }

    }

    @JCStressTest
    @Description("SPSC: drain (batch release) twice vs the producer reusing the released space for C")
    @Outcome(id = "AB/, C", expect = Expect.ACCEPTABLE, desc = "both drains came before C's commit")
    @Outcome(id = "AB/C, -", expect = Expect.ACCEPTABLE, desc = "the second drain saw C whole")
    @Outcome(id = "ABC/, -", expect = Expect.ACCEPTABLE, desc = "C was committed before the first drain reached it")
    @Outcome(expect = Expect.FORBIDDEN, desc = "stale A read again, torn or lost C")
    @State
    public static class SpscDrain extends Sample {

        public SpscDrain() {
            super(RingBuffer.spsc(32));
        }

        @Actor
        public void consumer(LL_Result r) {
            r.r1 = drainTwice();
        }

        @Actor
        public void producer() {
            produceC();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r2 = rest();
        }

    }

    @JCStressTest
    @Description("MPSC: drain (batch release) twice vs the producer reusing the released space for C")
    @Outcome(id = "AB/, C", expect = Expect.ACCEPTABLE, desc = "both drains came before C's commit")
    @Outcome(id = "AB/C, -", expect = Expect.ACCEPTABLE, desc = "the second drain saw C whole")
    @Outcome(id = "ABC/, -", expect = Expect.ACCEPTABLE, desc = "C was committed before the first drain reached it")
    @Outcome(expect = Expect.FORBIDDEN, desc = "stale A read again, torn or lost C")
    @State
    public static class MpscDrain extends Sample {

        public MpscDrain() {
            super(RingBuffer.mpsc(32));
        }

        @Actor
        public void consumer(LL_Result r) {
            r.r1 = drainTwice();
        }

        @Actor
        public void producer() {
            produceC();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r2 = rest();
        }

    }

}
