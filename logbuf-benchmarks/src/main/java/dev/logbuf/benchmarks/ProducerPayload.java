package dev.logbuf.benchmarks;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One producer thread's payload: the bytes it copies into every record, and for
 * {@code byte[]} queues the copy the queue has not accepted yet.
 */
@State(Scope.Thread)
public class ProducerPayload {

    /** The record's content; its length is the benchmark's record length. */
    public byte[] bytes;

    /**
     * Queues only: a record copied but refused by a full queue, offered again next time.
     */
    public byte[] pending;

    /** A payload outside JMH (the harness tests), filled for {@code shape}. */
    public static ProducerPayload of(RecordShape shape) {
        ProducerPayload payload = new ProducerPayload();
        payload.fill(shape);
        return payload;
    }

    @Setup(Level.Trial)
    public void fill(RecordShape shape) {
        bytes = new byte[shape.recordLength];
        new SplittableRandom(shape.recordLength).nextBytes(bytes);
        pending = null;
    }

    /**
     * The record to offer to a {@code byte[]} queue: a fresh copy unless the last one was
     * refused.
     */
    public byte[] nextRecordCopy() {
        byte[] record = pending;
        if (record == null) {
            record = bytes.clone();
            pending = record;
        }
        return record;
    }

    /** The queue took {@link #nextRecordCopy()}: the next record needs a fresh copy. */
    public void recordAccepted() {
        pending = null;
    }

}
