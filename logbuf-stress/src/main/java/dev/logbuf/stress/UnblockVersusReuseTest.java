package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;
import static dev.logbuf.stress.Records.B8;
import static dev.logbuf.stress.Records.C8;
import static dev.logbuf.stress.Records.D8;
import static dev.logbuf.stress.Records.E8;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.nio.ByteBuffer;
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
 * {@code Consumer.unblock} against the consumer's own reads and releases and a producer
 * that reuses the space it frees at once.
 *
 * <p>
 * Each sample starts with a 64-byte ring whose record at position 0 ({@code D}, 8 bytes,
 * 16 with its header) was claimed and filled by a thread that has terminated
 * ({@link DeadClaims}). The producer writes {@code A}, {@code B}, {@code C} behind it
 * (the ring is then full) and spins until it can claim {@code E}, which lands at index 0:
 * in the space of {@code D}, free only once the consumer has unblocked it. The consumer
 * asks {@code blockedClaim()}, unblocks, and reads what is committed. If the unblocked
 * record's space were released before it is zeroed, the zeroing could wipe {@code E}; if
 * its header were left claimed or not zeroed, {@code D} (a valid-looking record that was
 * never committed) could surface or the ring could stay stuck. Results: r1 = what
 * {@code blockedClaim()} said and what {@code unblock} returned, r2 = what the consumer
 * actor read after it, r3 = everything read in the end (actor, then arbiter).
 */
public final class UnblockVersusReuseTest {

    private UnblockVersusReuseTest() {
    }

    abstract static class Sample {

        final RingBuffer ring;

        final Producer producer;

        final Consumer consumer;

        volatile String producerFailure;

        Sample(RingBuffer.Type type) {
            DeadClaims.Dead dead = DeadClaims.ring(type);
            this.ring = dead.ring();
            this.producer = dead.producer();
            this.consumer = this.ring.consumer();
        }

        void produce() {
            if (!this.producer.offer(A8.payload()) || !this.producer.offer(B8.payload())
                    || !this.producer.offer(C8.payload())) {
                this.producerFailure = "no room for A, B, C";
                return;
            }
            WriteClaim[] claim = new WriteClaim[1];
            if (!Staging.await(() -> (claim[0] = this.producer.tryClaim(E8.length())) != null)) {
                this.producerFailure = "E never fit: the dead claim's space was not freed";
                return;
            }
            E8.fill(claim[0]);
            claim[0].commit();
        }

        String unblock() {
            Optional<BlockedClaim> blocked = this.ring.blockedClaim();
            if (blocked.isEmpty()) {
                return "no stall reported";
            }
            BlockedClaim claim = blocked.get();
            String said = (claim.position() == 0 && "dead-claimant".equals(claim.claimantThreadName())
                    && !claim.claimantAlive()) ? "dead@0" : "wrong report " + claim;
            return said + " " + this.consumer.unblock(claim);
        }

        String rest(String readByActor) {
            if (this.producerFailure != null) {
                return this.producerFailure;
            }
            return Records.concat(readByActor, Records.readAll(this.consumer, A8, B8, C8, D8, E8));
        }

    }

    @JCStressTest
    @Description("SPSC: unblock a dead claim at the head while the producer fills the ring and reuses its space")
    @Outcome(id = "dead@0 true, (-|A|AB|ABC|ABCE), ABCE", expect = Expect.ACCEPTABLE,
            desc = "unblocked; every record whole, in order; E in the freed space")
    @Outcome(id = ".*staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: E did not fit within the bound")
    @Outcome(expect = Expect.FORBIDDEN, desc = "dead claim not unblocked, D surfaced, torn or lost record")
    @State
    public static class Spsc extends Sample {

        public Spsc() {
            super(RingBuffer.Type.SPSC);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(LLL_Result r) {
            r.r1 = unblock();
            r.r2 = Records.readUpTo(this.consumer, 4, A8, B8, C8, D8, E8);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = rest(String.valueOf(r.r2));
        }

    }

    @JCStressTest
    @Description("MPSC: unblock a dead claim at the head while the producer fills the ring and reuses its space")
    @Outcome(id = "dead@0 true, (-|A|AB|ABC|ABCE), ABCE", expect = Expect.ACCEPTABLE,
            desc = "unblocked; every record whole, in order; E in the freed space")
    @Outcome(id = ".*staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: E did not fit within the bound")
    @Outcome(expect = Expect.FORBIDDEN, desc = "dead claim not unblocked, D surfaced, torn or lost record")
    @State
    public static class Mpsc extends Sample {

        public Mpsc() {
            super(RingBuffer.Type.MPSC);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(LLL_Result r) {
            r.r1 = unblock();
            r.r2 = Records.readUpTo(this.consumer, 4, A8, B8, C8, D8, E8);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = rest(String.valueOf(r.r2));
        }

    }

    @JCStressTest
    @Description("MPSC: unblock, then drainTo a sink, while the producer reuses the unblocked space")
    @Outcome(id = "dead@0 true, (-|A|AB|ABC|ABCE), ABCE", expect = Expect.ACCEPTABLE,
            desc = "unblocked; every record whole, in order; E in the freed space")
    @Outcome(id = ".*staging timed out.*", expect = Expect.ACCEPTABLE_INTERESTING,
            desc = "scheduling: E did not fit within the bound")
    @Outcome(expect = Expect.FORBIDDEN, desc = "dead claim not unblocked, D surfaced, torn or lost record")
    @State
    public static class MpscDrainTo extends Sample implements RecordSink {

        private final StringBuilder sunk = new StringBuilder();

        public MpscDrainTo() {
            super(RingBuffer.Type.MPSC);
        }

        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
            this.sunk.append(Records.describe(buffer, offset, length, A8, B8, C8, D8, E8));
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(LLL_Result r) {
            r.r1 = unblock();
            this.consumer.drainTo(this, 8);
            r.r2 = (this.sunk.length() == 0) ? "-" : this.sunk.toString();
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = rest(String.valueOf(r.r2));
        }

    }

}
