package dev.logbuf.benchmarks.contenders;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link ArrayBlockingQueue} of {@code byte[]} records, what one writes by hand without a
 * ring: non-blocking {@code offer} of a fresh copy of the payload
 * ({@link ProducerPayload#nextRecordCopy()}), {@code drainTo(batch, DRAIN_BATCH)} into a
 * reused list. Holds as many records as a logbuf ring of the same byte capacity. One
 * class serves SPSC and MPSC.
 */
public final class BlockingQueues {

    private BlockingQueues() {
    }

    @State(Scope.Group)
    public static class Queue {

        ArrayBlockingQueue<byte[]> queue;

        final ArrayList<byte[]> batch = new ArrayList<>(Workload.DRAIN_BATCH);

        long digest;

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            queue = new ArrayBlockingQueue<>(shape.queueCapacity());
        }

        /** Offers a copy of the payload; {@code false} when the queue is full. */
        public boolean write(ProducerPayload payload) {
            if (queue.offer(payload.nextRecordCopy())) {
                payload.recordAccepted();
                return true;
            }
            return false;
        }

        public int drain() {
            ArrayList<byte[]> records = batch;
            int count = queue.drainTo(records, Workload.DRAIN_BATCH);
            long sum = digest;
            for (int i = 0; i < count; i++) {
                sum += PayloadDigest.of(records.get(i));
            }
            records.clear();
            digest = sum;
            return count;
        }

        public long digest() {
            return digest;
        }

    }

}
