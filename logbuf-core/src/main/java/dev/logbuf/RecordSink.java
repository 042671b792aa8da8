package dev.logbuf;

import java.nio.ByteBuffer;

/**
 * Where a drain loop delivers a ring's records when it must not lose them: a file, a
 * network, another ring. Fed by {@link Consumer#drainTo(RecordSink, int)} (and by
 * {@code dev.logbuf.drain.DrainAgent}), one batch at a time: {@link #onRecord onRecord}
 * for each record, then {@link #endOfBatch()}.
 *
 * <p>
 * <b>Nothing is lost on failure:</b> the ring releases a batch only after
 * {@code endOfBatch()} has returned. When {@code onRecord} or {@code endOfBatch} throws,
 * no record of the batch is released: the next drain hands the same records again, from
 * the first one of the batch, so a sink that fails (a full disk, a broken connection)
 * leaves them waiting in the ring instead of dropping them. A sink must therefore accept
 * a record it has already seen again after a failure, and must discard whatever it kept
 * of a failed batch. (A {@link RecordHandler} is the other contract: a handler that
 * throws consumes the record, so a poison record never wedges the ring.)
 *
 * <p>
 * <b>Positions:</b> each record comes with its position in the ring
 * ({@link WriteClaim#position()}), which only grows. Together with the ring's
 * {@link RingBuffer#id() id}, given once in {@link #onStart(long)}, it identifies a
 * record across restarts of a file-backed ring: a sink that remembers the last position
 * it stored can skip the records a reopened ring delivers again (those that reached the
 * sink but were not yet released when the process died).
 *
 * <p>
 * Called on the draining thread only.
 */
public interface RecordSink {

    /**
     * Called once by a drain loop before the first record, with the ring's
     * {@link RingBuffer#id()}: positions handed to {@link #onRecord} are positions of
     * that ring.
     * @param ringId the ring's id
     */
    default void onStart(long ringId) {
    }

    /**
     * Takes one record. The record is released from the ring only once the batch's
     * {@link #endOfBatch()} has returned.
     * @param buffer a read-only, little-endian view of the ring's data, valid only during
     * this call; its position is {@code offset} and its limit {@code offset + length}
     * @param offset index of the first payload byte in {@code buffer}
     * @param length payload length, at least 1
     * @param position the record's position in the ring
     */
    void onRecord(ByteBuffer buffer, int offset, int length, long position);

    /**
     * Ends a batch: the sink makes the batch's records its own (writes them, say). Called
     * after every drain call, also one that found no record, so that time-based work (a
     * flush interval) makes progress. Throwing keeps the whole batch in the ring.
     */
    default void endOfBatch() {
    }

    /** Called once when the drain loop ends, after its last batch. */
    default void close() {
    }

}
