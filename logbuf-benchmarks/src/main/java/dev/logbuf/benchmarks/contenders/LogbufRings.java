package dev.logbuf.benchmarks.contenders;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.Workload;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * logbuf {@link RingBuffer#spsc(int)} and {@link RingBuffer#mpsc(int)}: {@code tryClaim},
 * {@code putBytes}, {@code commit}; {@code drain(handler, DRAIN_BATCH)}. Needs no JVM
 * flag.
 */
public final class LogbufRings {

    private LogbufRings() {
    }

    /** Reads every record it is handed; the consumer thread's only handler. */
    static final class DigestHandler implements RecordHandler {

        long digest;

        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length) {
            digest += PayloadDigest.of(buffer, offset, length);
        }

    }

    /**
     * A ring, its producer (shared by all producer threads for MPSC) and its consumer.
     */
    public abstract static class Ring {

        Producer producer;

        Consumer consumer;

        final DigestHandler handler = new DigestHandler();

        void open(RingBuffer ring) {
            producer = ring.producer();
            consumer = ring.consumer();
        }

        /**
         * Claims a record, copies the payload in, commits; {@code false} when the ring is
         * full.
         */
        public boolean write(ProducerPayload payload) {
            byte[] bytes = payload.bytes;
            WriteClaim claim = producer.tryClaim(bytes.length);
            if (claim == null) {
                return false;
            }
            claim.putBytes(0, bytes, 0, bytes.length);
            claim.commit();
            return true;
        }

        /**
         * The same record through {@code offer(byte[])} (claim, copy, commit in one
         * call).
         */
        public boolean offer(ProducerPayload payload) {
            return producer.offer(payload.bytes);
        }

        public int drain() {
            return consumer.drain(handler, Workload.DRAIN_BATCH);
        }

        public long digest() {
            return handler.digest;
        }

    }

    @State(Scope.Group)
    public static class Spsc extends Ring {

        @Setup(Level.Trial)
        public void open() {
            open(RingBuffer.spsc(Workload.RING_CAPACITY));
        }

    }

    @State(Scope.Group)
    public static class Mpsc extends Ring {

        @Setup(Level.Trial)
        public void open() {
            open(RingBuffer.mpsc(Workload.RING_CAPACITY));
        }

    }

}
