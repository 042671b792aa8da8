package dev.logbuf;

import java.lang.invoke.VarHandle;
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
 * aborted (see {@link RingBuffer#blockedClaim()}), or, once its claiming thread has
 * terminated, {@linkplain #unblock unblocked}.
 *
 * <p>
 * Not thread-safe: one thread at a time (hand it over with a happens-before edge).
 * {@code tryRead}, {@code drain}, {@code drainTo} and {@code ReadClaim} accessors
 * allocate nothing.
 */
public final class Consumer extends ConsumerFields {

    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;

    private final RingMemory memory;

    private final StallWatch stallWatch;

    private final Claimants claimants;

    private final ReadClaim readClaim;

    /** Read-only little-endian view of the data region handed to handlers and sinks. */
    private final ByteBuffer handlerView;

    Consumer(RingMemory memory, StallWatch stallWatch, Claimants claimants) {
        this.memory = memory;
        this.stallWatch = stallWatch;
        this.claimants = claimants;
        this.readClaim = new ReadClaim(this, memory);
        this.handlerView = memory.buffer.slice(0, memory.capacity).asReadOnlyBuffer();
        this.head = memory.getHeadPlain();
    }

    /**
     * The oldest committed record, or {@code null} when the ring is empty or the record
     * at the head is claimed but not yet committed. The claim must be closed before the
     * next {@code tryRead} or {@code drain}.
     * @throws IllegalStateException while the previous {@link ReadClaim} is open, or
     * after the ring was closed
     */
    public ReadClaim tryRead() {
        checkNoOpenClaim();
        this.memory.checkNotClosed();
        long position = this.head;
        for (;;) {
            int index = this.memory.index(position);
            // Acquire: pairs with the producer's release of this header (commit,
            // abort or wrap skip marker), so the payload is visible when the length is.
            long header = this.memory.getHeaderAcquire(index);
            int frameLength = RecordDescriptor.frameLength(header);
            if (header > 0 && frameLength > 0) {
                this.readClaim.open(index, frameLength, position + RecordDescriptor.alignedLength(frameLength));
                return this.readClaim;
            }
            if (header <= 0) {
                noteUncommittedHead(header, position);
                return null;
            }
            // Skip marker: zero it and release its space at once.
            position -= frameLength;
            release(position);
        }
    }

    /** {@code drain(handler, Integer.MAX_VALUE)}. */
    public int drain(RecordHandler handler) {
        return drain(handler, Integer.MAX_VALUE);
    }

    /**
     * Hands up to {@code limit} committed records to {@code handler} in FIFO order, and
     * zeroes and releases their space in one step per batch: a batch ends with the call,
     * or as soon as its records cover a quarter of the capacity, so that producers facing
     * a full ring get room back while the rest is read. Stops early at an empty ring, at
     * an uncommitted record, or after one capacity's worth of records.
     *
     * <p>
     * If the handler throws, the records up to and including the failing one count as
     * consumed (their space is released) and the exception propagates: a poison record
     * never wedges the ring.
     * @param handler the handler
     * @param limit the most records to hand over
     * @return the number of records handed to the handler
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws IllegalStateException while a {@link ReadClaim} is open, or after the ring
     * was closed
     */
    public int drain(RecordHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        checkDrain(limit);
        final long start = this.head;
        long position = start;
        int count = 0;
        final ByteBuffer view = this.handlerView;
        // One call reads at most one capacity's worth: past start + capacity may lie
        // this call's own records, not yet zeroed.
        final long end = start + this.memory.capacity;
        // A batch is released once it covers a quarter of the capacity. Releasing only
        // at the end of the call made a producer facing a full ring wait for the whole
        // ring to be read, and the two sides took turns instead of working at the same
        // time: MPSC with two producers at 256-byte records was 0.59x of Agrona in the
        // round 2 comparison (issue 15, logbuf-benchmarks/README.md).
        final int batchSpan = this.memory.capacity >> 2;
        long released = start;
        try {
            while (count < limit && position < end) {
                int index = this.memory.index(position);
                // Acquire: pairs with the producer's release of this header.
                long header = this.memory.getHeaderAcquire(index);
                int frameLength = RecordDescriptor.frameLength(header);
                if (header <= 0) {
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
                if (position - released >= batchSpan) {
                    release(position);
                    released = position;
                }
            }
        }
        finally {
            if (position != released) {
                release(position);
            }
        }
        return count;
    }

    /**
     * Hands up to {@code limit} committed records to {@code sink} in FIFO order, each
     * with its position, then calls {@link RecordSink#endOfBatch()} (also when no record
     * was ready), and only then zeroes and releases the batch's space.
     *
     * <p>
     * If {@code onRecord} or {@code endOfBatch} throws, nothing of the batch is released
     * and the exception propagates: the next call hands the same records again. Skip
     * markers passed before the first record are released either way.
     * @param sink the sink
     * @param limit the most records to hand over
     * @return the number of records the sink took
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws IllegalStateException while a {@link ReadClaim} is open, or after the ring
     * was closed
     */
    public int drainTo(RecordSink sink, int limit) {
        Objects.requireNonNull(sink, "sink");
        checkDrain(limit);
        long start = this.head;
        long position = start;
        int count = 0;
        final ByteBuffer view = this.handlerView;
        final long end = start + this.memory.capacity;
        while (count < limit && position < end) {
            int index = this.memory.index(position);
            // Acquire: pairs with the producer's release of this header.
            long header = this.memory.getHeaderAcquire(index);
            int frameLength = RecordDescriptor.frameLength(header);
            if (header <= 0) {
                if (count == 0) {
                    noteUncommittedHead(header, position);
                }
                break;
            }
            if (frameLength < 0) {
                position -= frameLength;
                if (count == 0) {
                    // skip markers before the first record: release them now, so a
                    // failing sink never re-reads them
                    release(position);
                    start = position;
                }
                continue;
            }
            int offset = index + RecordDescriptor.HEADER_LENGTH;
            view.limit(offset + frameLength).position(offset);
            view.order(ByteOrder.LITTLE_ENDIAN);
            sink.onRecord(view, offset, frameLength, position);
            position += RecordDescriptor.alignedLength(frameLength);
            count++;
        }
        sink.endOfBatch();
        if (position != start) {
            release(position);
        }
        return count;
    }

    /**
     * Unblocks the ring from a claim whose thread has terminated without committing or
     * aborting it (a leaked claim): if the record at {@code claim.position()} is the one
     * this consumer is stopped at (the head, or behind only skip markers, as
     * {@link RingBuffer#blockedClaim()} reports it), is still claimed by the same
     * claimant, and that claimant thread has terminated, the record becomes a skip marker
     * (zeroed and released like any other) and the call returns {@code true}. Otherwise
     * it returns {@code false} and changes nothing: a claim whose thread is alive is
     * never unblocked, since that thread could still write into it; neither is a
     * reservation whose claimant is not known ({@code claimantThreadId() == -1}).
     * @param claim a blocked claim reported by this consumer's ring
     * @return whether the claim was turned into a skip marker
     * @throws IllegalStateException while a {@link ReadClaim} is open, or after the ring
     * was closed
     */
    public boolean unblock(BlockedClaim claim) {
        Objects.requireNonNull(claim, "claim");
        checkNoOpenClaim();
        this.memory.checkNotClosed();
        long position = this.head;
        long header;
        for (;;) {
            if (position > claim.position()) {
                return false;
            }
            // Acquire: pairs with the producers' release of committed headers, skip
            // markers and claimed headers (which publishes the claimant's slot).
            header = this.memory.getHeaderAcquire(this.memory.index(position));
            if (!RecordDescriptor.isSkipMarker(header)) {
                break;
            }
            position -= RecordDescriptor.frameLength(header);
        }
        if (position != claim.position() || !RecordDescriptor.isClaimed(header)) {
            return false;
        }
        Claimants.Slot slot = this.claimants.slot(RecordDescriptor.tag(header));
        if (slot == null) {
            return false;
        }
        // The slot cannot change hands while this record is unreleased (Claimants.take
        // waits for the head to pass the holder's last claim), so its holder is the
        // claimant.
        Thread claimant = slot.owner();
        if (Claimants.idOf(claimant) != claim.claimantThreadId() || claimant.isAlive()) {
            return false;
        }
        // isAlive() == false happens-after the claimant's every write (JLS 17.4.4), and
        // it writes nothing more: this acquire load sees its last word on this header. It
        // may have committed or aborted between the read above and its end.
        int index = this.memory.index(position);
        if (this.memory.getHeaderAcquire(index) != header) {
            return false;
        }
        int frameLength = RecordDescriptor.alignedLength(RecordDescriptor.frameLength(header));
        // Release: pairs with the acquire loads of blockedClaim() and of this consumer's
        // next read. Nobody else writes this header any more. Crash (file-backed ring): a
        // skip marker or the claimed header, both dropped by a reopen.
        this.memory.putHeaderRelease(index, RecordDescriptor.skipMarkerHeader(frameLength));
        release(position + frameLength);
        return true;
    }

    /** Called by {@link ReadClaim#close()}. */
    void release(long endPosition) {
        long start = this.head;
        // Opaque, then StoreStore: the releasing position reaches memory before any of
        // the zeroing below. Crash (file-backed ring): a reopen that finds releasing
        // beyond the head finishes this release (those records were handed over) instead
        // of reading records whose headers are already zero.
        this.memory.putReleasingOpaque(endPosition);
        VarHandle.storeStoreFence();
        this.memory.zeroPositions(start, endPosition);
        this.head = endPosition;
        // Release: the zeroing happens-before a producer whose acquire load of the head
        // sees this position (Spsc/MpscProducer.reserve).
        this.memory.putHeadRelease(endPosition);
    }

    private void noteUncommittedHead(long header, long position) {
        // A claimed header is never zero while free space reads as zero, so the header
        // alone tells a stalled claim from an empty ring. Reading the tail instead would
        // pull the producers' most written cache line to this core on every empty poll
        // and make the next claim miss on it. A claim whose header store is not visible
        // yet is simply noted on a later poll.
        if (header != 0) {
            this.stallWatch.consumerObserved(position);
        }
    }

    private void checkDrain(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        checkNoOpenClaim();
        this.memory.checkNotClosed();
    }

    private void checkNoOpenClaim() {
        if (this.readClaim.isOpen()) {
            throw new IllegalStateException("a ReadClaim is open: close it before the next tryRead or drain");
        }
    }

}
