package dev.logbuf.benchmarks.contenders;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.Workload;
import java.nio.ByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Agrona {@link OneToOneRingBuffer} (SPSC) and {@link ManyToOneRingBuffer} (MPSC) over
 * direct memory, their usual setup: {@code tryClaim}, {@code putBytes}, {@code commit};
 * {@code read(handler, DRAIN_BATCH)}. Benchmarks using these must fork with
 * {@link #JVM_FLAGS}.
 */
public final class AgronaRings {

    /**
     * What Agrona 2.6 needs, and nothing more: {@code org.agrona.UnsafeApi} calls
     * {@code jdk.internal.misc.Unsafe.getUnsafe()}, so without this flag the first
     * {@code UnsafeBuffer} fails with {@code IllegalAccessError} (checked on JDK 17 and
     * 25). Exporting the package is enough; Agrona's documentation asks for
     * {@code --add-opens}, which implies it.
     */
    public static final String JVM_FLAGS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Agrona tags each message with a type id; the workload has one kind of record. */
    static final int RECORD_TYPE_ID = 1;

    private AgronaRings() {
    }

    /** Reads every record it is handed; the consumer thread's only handler. */
    static final class DigestHandler implements MessageHandler {

        long digest;

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            digest += PayloadDigest.of(buffer, index, length);
        }

    }

    /** A ring over direct memory, shared by its producers and its consumer. */
    public abstract static class Ring {

        RingBuffer ring;

        AtomicBuffer buffer;

        final DigestHandler handler = new DigestHandler();

        void open(RingBuffer ring) {
            this.ring = ring;
            this.buffer = ring.buffer();
        }

        static AtomicBuffer directMemory() {
            return new UnsafeBuffer(
                    ByteBuffer.allocateDirect(Workload.RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
        }

        /**
         * Claims a record, copies the payload in, commits; {@code false} when the ring is
         * full.
         */
        public boolean write(ProducerPayload payload) {
            byte[] bytes = payload.bytes;
            int index = ring.tryClaim(RECORD_TYPE_ID, bytes.length);
            if (index < 0) {
                return false;
            }
            buffer.putBytes(index, bytes, 0, bytes.length);
            ring.commit(index);
            return true;
        }

        public int drain() {
            return ring.read(handler, Workload.DRAIN_BATCH);
        }

        public long digest() {
            return handler.digest;
        }

    }

    @State(Scope.Group)
    public static class OneToOne extends Ring {

        @Setup(Level.Trial)
        public void open() {
            open(new OneToOneRingBuffer(directMemory()));
        }

    }

    @State(Scope.Group)
    public static class ManyToOne extends Ring {

        @Setup(Level.Trial)
        public void open() {
            open(new ManyToOneRingBuffer(directMemory()));
        }

    }

}
