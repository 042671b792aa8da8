package dev.logbuf;

import java.nio.ByteBuffer;

/**
 * Layout of a ring's memory: the data region, then a trailer with the counters.
 *
 * <pre>
 *  0                       capacity      +128          +256          +384
 *  +-----------------------+-------------+-------------+-------------+
 *  | data region           | (padding)   | tail pos.   | head pos.,  |
 *  | (power of two bytes)  |             | + padding   | releasing   |
 *  |                       |             |             | + padding   |
 *  +-----------------------+-------------+-------------+-------------+
 * </pre>
 *
 * The tail (producer position: end of the last claimed record) and the head (consumer
 * position: end of the last released record) are little-endian {@code long}s, each alone
 * in its own 128-byte block so that producers and the consumer never write the same cache
 * line (128 bytes covers adjacent-line prefetch) and neither shares a line with the data
 * region. Beside the head, at {@code +264}, the consumer keeps the position it is
 * releasing up to (crash recovery of file-backed rings).
 */
final class RingBufferDescriptor {

    /** Smallest data capacity accepted. */
    static final int MIN_CAPACITY = 16;

    /** Largest data capacity accepted: 1 GiB. */
    static final int MAX_CAPACITY = 1 << 30;

    /** Bytes between counters; two cache lines. */
    static final int COUNTER_BLOCK = 128;

    /** Offset of the tail position from the end of the data region. */
    static final int TAIL_POSITION_OFFSET = COUNTER_BLOCK;

    /** Offset of the head position from the end of the data region. */
    static final int HEAD_POSITION_OFFSET = 2 * COUNTER_BLOCK;

    /**
     * Offset of the releasing position (see {@code RingMemory.getReleasingPlain}) from
     * the end of the data region: beside the head, written by the consumer only.
     */
    static final int RELEASING_POSITION_OFFSET = HEAD_POSITION_OFFSET + 8;

    /** Bytes of trailer after the data region. */
    static final int TRAILER_LENGTH = 3 * COUNTER_BLOCK;

    private RingBufferDescriptor() {
    }

    /** Validates a requested capacity and rounds it up to a power of two. */
    static int roundCapacity(int requested) {
        if (requested < MIN_CAPACITY || requested > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacityBytes must be between " + MIN_CAPACITY + " and " + MAX_CAPACITY
                    + " (1 GiB), was " + requested);
        }
        return Integer.highestOneBit(requested - 1) << 1;
    }

    /**
     * The data capacity a ring over {@code memory}'s remaining bytes gets: the largest
     * power of two, at most 1 GiB, that fits beside the trailer.
     */
    static int capacityFor(ByteBuffer memory) {
        long usable = (long) memory.remaining() - TRAILER_LENGTH;
        if (usable < MIN_CAPACITY) {
            throw new IllegalArgumentException(
                    "memory must have at least " + (MIN_CAPACITY + TRAILER_LENGTH) + " bytes remaining (" + MIN_CAPACITY
                            + " of data + " + TRAILER_LENGTH + " of counters), had " + memory.remaining());
        }
        return (int) Math.min(MAX_CAPACITY, Long.highestOneBit(usable));
    }

}
