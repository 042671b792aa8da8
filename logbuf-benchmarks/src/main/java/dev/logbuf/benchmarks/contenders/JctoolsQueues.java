package dev.logbuf.benchmarks.contenders;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JCTools {@link SpscArrayQueue} and {@link MpscArrayQueue} of {@code byte[]} records,
 * holding as many records as a logbuf ring of the same byte capacity (JCTools rounds that
 * up to a power of two). No zero-copy API: the producer offers a fresh copy of the
 * payload ({@link ProducerPayload#nextRecordCopy()}); the consumer uses the batch
 * {@code drain(consumer, DRAIN_BATCH)}.
 */
public final class JctoolsQueues {

    private JctoolsQueues() {
    }

    /** Reads every record it is handed; the consumer thread's only handler. */
    static final class DigestHandler implements MessagePassingQueue.Consumer<byte[]> {

        long digest;

        @Override
        public void accept(byte[] record) {
            digest += PayloadDigest.of(record);
        }

    }

    /** A queue shared by its producers and its consumer. */
    public abstract static class Queue {

        MessagePassingQueue<byte[]> queue;

        final DigestHandler handler = new DigestHandler();

        /** Offers a copy of the payload; {@code false} when the queue is full. */
        public boolean write(ProducerPayload payload) {
            if (queue.offer(payload.nextRecordCopy())) {
                payload.recordAccepted();
                return true;
            }
            return false;
        }

        public int drain() {
            return queue.drain(handler, Workload.DRAIN_BATCH);
        }

        public long digest() {
            return handler.digest;
        }

    }

    @State(Scope.Group)
    public static class Spsc extends Queue {

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            queue = new SpscArrayQueue<>(shape.queueCapacity());
        }

    }

    @State(Scope.Group)
    public static class Mpsc extends Queue {

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            queue = new MpscArrayQueue<>(shape.queueCapacity());
        }

    }

}
