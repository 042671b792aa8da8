package dev.logbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/*
 * Field layout (JCTools style): the consumer's hot field, head, sits between
 * 128-byte pads so producers' hot fields never share its cache line.
 *
 *   ConsumerPadL    16 longs
 *   ConsumerFields  head                          (written by the consumer only)
 *   Consumer        16 longs, then read-only references
 */
abstract class ConsumerPadL {

    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

}

abstract class ConsumerFields extends ConsumerPadL {

    /**
     * Consumer position; only the consumer writes it, so a plain field is its source of
     * truth.
     */
    long head;

}

/**
 * Reads records from a {@link RingBuffer} in FIFO (claim) order. Skip markers (wrap
 * padding, aborted claims) are passed over silently. A record that is claimed but not yet
 * committed stops the consumer there: nothing behind it is read until it is committed or
 * aborted (see {@link RingBuffer#blockedClaim()}).
 *
 * <p>
 * Not thread-safe: one thread at a time (hand it over with a happens-before edge).
 * {@code tryRead}, {@code drain} and {@code ReadClaim} accessors allocate nothing.
 */
public final class Consumer extends ConsumerFields {

    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;

    private final RingMemory memory;

    private final StallWatch stallWatch;

    private final ReadClaim readClaim;

    /** Read-only little-endian view of the data region handed to RecordHandlers. */
    private final ByteBuffer handlerView;

    Consumer(RingMemory memory, StallWatch stallWatch) {
        this.memory = memory;
        this.stallWatch = stallWatch;
        this.readClaim = new ReadClaim(this, memory);
        this.handlerView = memory.buffer.slice(0, memory.capacity).asReadOnlyBuffer();
    }

    /**
     * The oldest committed record, or {@code null} when the ring is empty or the record
     * at the head is claimed but not yet committed. The claim must be closed before the
     * next {@code tryRead} or {@code drain}.
     * @throws IllegalStateException while the previous {@link ReadClaim} is open
     */
    public ReadClaim tryRead() {
        checkNoOpenClaim();
        long position = head;
        for (;;) {
            int index = memory.index(position);
            // Acquire: pairs with the producer's release of this header (commit,
            // abort or wrap skip marker), so the payload is visible when the length is.
            long header = memory.getHeaderAcquire(index);
            int frameLength = RecordDescriptor.frameLength(header);
            if (frameLength > 0) {
                readClaim.open(index, frameLength, position + RecordDescriptor.alignedLength(frameLength));
                return readClaim;
            }
            if (frameLength == 0) {
                noteUncommittedHead(header, position);
                return null;
            }
            // Skip marker: zero it and release its space at once.
            memory.zero(index, -frameLength);
            position -= frameLength;
            head = position;
            // Release: the zeroing happens-before a producer whose acquire load of the
            // head sees this position (Spsc/MpscProducer.reserve).
            memory.putHeadRelease(position);
        }
    }

    /** {@code drain(handler, Integer.MAX_VALUE)}. */
    public int drain(RecordHandler handler) {
        return drain(handler, Integer.MAX_VALUE);
    }

    /**
     * Hands up to {@code limit} committed records to {@code handler} in FIFO order, then
     * zeroes and releases their space in one step. Stops early at an empty ring or an
     * uncommitted record.
     *
     * <p>
     * If the handler throws, the records up to and including the failing one count as
     * consumed (their space is released) and the exception propagates: a poison record
     * never wedges the ring.
     * @return the number of records handed to the handler
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws IllegalStateException while a {@link ReadClaim} is open
     */
    public int drain(RecordHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        checkNoOpenClaim();
        final long start = head;
        long position = start;
        int count = 0;
        final ByteBuffer view = handlerView;
        // Space is released only at the end of the batch, so one batch reads at
        // most one capacity's worth: past start + capacity lie this batch's own,
        // not yet zeroed, records.
        final long end = start + memory.capacity;
        try {
            while (count < limit && position < end) {
                int index = memory.index(position);
                // Acquire: pairs with the producer's release of this header.
                long header = memory.getHeaderAcquire(index);
                int frameLength = RecordDescriptor.frameLength(header);
                if (frameLength == 0) {
                    if (count == 0) {
                        noteUncommittedHead(header, position);
                    }
                    break;
                }
                if (frameLength < 0) {
                    position -= frameLength;
                    continue;
                }
                position += RecordDescriptor.alignedLength(frameLength);
                count++;
                int offset = index + RecordDescriptor.HEADER_LENGTH;
                view.limit(offset + frameLength).position(offset);
                view.order(ByteOrder.LITTLE_ENDIAN);
                handler.onRecord(view, offset, frameLength);
            }
        }
        finally {
            if (position != start) {
                memory.zeroPositions(start, position);
                head = position;
                // Release: the zeroing happens-before a producer whose acquire load of
                // the head sees this position (Spsc/MpscProducer.reserve).
                memory.putHeadRelease(position);
            }
        }
        return count;
    }

    /** Called by {@link ReadClaim#close()}. */
    void release(int headerIndex, long endPosition) {
        memory.zero(headerIndex, (int) (endPosition - head));
        head = endPosition;
        // Release: pairs with the producers' acquire load of the head, as in drain.
        memory.putHeadRelease(endPosition);
    }

    private void noteUncommittedHead(long header, long position) {
        // A claimed header carries its claimant (thread ids are never 0) while free
        // space reads as zero, so the header alone tells a stalled claim from an
        // empty ring. Reading the tail instead would pull the producers' most
        // written cache line to this core on every empty poll and make the next
        // claim miss on it. A claim whose header store is not visible yet is
        // simply noted on a later poll.
        if (header != 0) {
            stallWatch.consumerObserved(position);
        }
    }

    private void checkNoOpenClaim() {
        if (readClaim.isOpen()) {
            throw new IllegalStateException("a ReadClaim is open: close it before the next tryRead or drain");
        }
    }

}
