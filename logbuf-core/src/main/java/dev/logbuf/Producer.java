package dev.logbuf;

import java.nio.ByteBuffer;

/**
 * Writes records into a {@link RingBuffer}. None of the methods blocks or allocates in
 * the steady state: when the ring has no room they return {@code null} or {@code false}
 * at once.
 *
 * <p>
 * Thread safety: the producer of an {@link RingBuffer.Type#SPSC SPSC} ring must be used
 * by one thread at a time (hand it over with a happens-before edge, e.g. a volatile write
 * or a lock). The producer of an {@link RingBuffer.Type#MPSC MPSC} ring may be used by
 * any number of threads at once.
 *
 * <p>
 * Lengths: every method accepts payloads of {@code 1..maxRecordLength()} bytes and throws
 * {@link IllegalArgumentException} otherwise, without touching the ring. Zero is refused
 * because a zero length in a record header means "claimed, not yet committed".
 */
public interface Producer {

    /**
     * Reserves {@code length} payload bytes for a record the caller then fills and
     * commits (or aborts). Hold a claim for microseconds, never across blocking calls:
     * until it is committed or aborted, the consumer cannot read past it.
     *
     * <p>
     * Use it in try-with-resources so the claim is aborted if the body throws:
     * <pre>{@code
     * try (WriteClaim claim = producer.tryClaim(16)) {
     *     if (claim == null) { ... ring full ... }
     *     claim.putLong(0, timestamp).putLong(8, sequence).commit();
     * }
     * }</pre>
     * @return the claim, or {@code null} when the ring has no room for it now
     * @throws IllegalArgumentException if {@code length < 1} or
     * {@code length > maxRecordLength()}
     */
    WriteClaim tryClaim(int length);

    /**
     * Claims, copies all of {@code src} and commits.
     * @return {@code false} when the ring is full (nothing written)
     * @throws IllegalArgumentException if {@code src.length} is 0 or above
     * {@link #maxRecordLength()}
     */
    boolean offer(byte[] src);

    /**
     * Claims, copies {@code src[off, off + len)} and commits.
     * @return {@code false} when the ring is full (nothing written)
     * @throws IndexOutOfBoundsException if the range lies outside {@code src}
     * @throws IllegalArgumentException if {@code len} is 0 or above
     * {@link #maxRecordLength()}
     */
    boolean offer(byte[] src, int off, int len);

    /**
     * Claims, copies the remaining bytes of {@code src} and commits; on success only,
     * advances {@code src}'s position to its limit.
     * @return {@code false} when the ring is full (nothing written, position unchanged)
     * @throws IllegalArgumentException if {@code src} has 0 or more than
     * {@link #maxRecordLength()} bytes remaining
     */
    boolean offer(ByteBuffer src);

    /** Data capacity of the ring in bytes. */
    int capacity();

    /**
     * Largest payload one claim may request; see {@link RingBuffer#maxRecordLength()}.
     */
    int maxRecordLength();

}
