package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A24;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.ReadClaim;
import dev.logbuf.RingBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * Claim, put, commit on one thread against {@code tryRead} on another: a reader that sees
 * the record sees every payload byte written before the commit. The record is the largest
 * a 64-byte ring takes (24 bytes), written one byte at a time, so a commit that publishes
 * the header before (or without ordering it after) the payload shows up as {@code torn}.
 */
public final class ClaimCommitVersusReadTest {

    private ClaimCommitVersusReadTest() {
    }

    /** Ring, producer and consumer of one sample. */
    abstract static class Sample {

        final Producer producer;

        final Consumer consumer;

        Sample(RingBuffer ring) {
            producer = ring.producer();
            consumer = ring.consumer();
        }

        String read() {
            ReadClaim claim = consumer.tryRead();
            if (claim == null) {
                return "-";
            }
            try (claim) {
                return Records.describe(claim, A24);
            }
        }

    }

    @JCStressTest
    @Description("SPSC: claim/putByte x24/commit vs tryRead")
    @Outcome(id = "-", expect = Expect.ACCEPTABLE, desc = "the reader came before the commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "the reader saw the record whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn record or failed claim")
    @State
    public static class Spsc extends Sample {

        public Spsc() {
            super(RingBuffer.spsc(64));
        }

        @Actor
        public void producer() {
            A24.claimAndCommit(producer);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read();
        }

    }

    @JCStressTest
    @Description("MPSC: claim/putByte x24/commit vs tryRead")
    @Outcome(id = "-", expect = Expect.ACCEPTABLE, desc = "the reader came before the commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "the reader saw the record whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn record or failed claim")
    @State
    public static class Mpsc extends Sample {

        public Mpsc() {
            super(RingBuffer.mpsc(64));
        }

        @Actor
        public void producer() {
            A24.claimAndCommit(producer);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read();
        }

    }

    @JCStressTest
    @Description("SPSC: offer(byte[24]) vs tryRead")
    @Outcome(id = "-", expect = Expect.ACCEPTABLE, desc = "the reader came before the commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "the reader saw the record whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn record")
    @State
    public static class SpscOffer extends Sample {

        private final byte[] payload = A24.payload();

        public SpscOffer() {
            super(RingBuffer.spsc(64));
        }

        @Actor
        public void producer() {
            producer.offer(payload);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read();
        }

    }

    @JCStressTest
    @Description("MPSC: offer(byte[24]) vs tryRead")
    @Outcome(id = "-", expect = Expect.ACCEPTABLE, desc = "the reader came before the commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "the reader saw the record whole")
    @Outcome(expect = Expect.FORBIDDEN, desc = "torn record")
    @State
    public static class MpscOffer extends Sample {

        private final byte[] payload = A24.payload();

        public MpscOffer() {
            super(RingBuffer.mpsc(64));
        }

        @Actor
        public void producer() {
            producer.offer(payload);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read();
        }

    }

}
