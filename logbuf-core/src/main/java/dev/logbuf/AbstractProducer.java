package dev.logbuf;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the SPSC and MPSC producers share: argument checks, the copy paths of
 * {@code offer}, and the claim bookkeeping. Subclasses only decide how space is reserved
 * ({@link #reserve(int, Claimants.Slot)}) and how the calling thread's claimant slot is
 * found ({@link #slotOf(Thread)}).
 */
abstract class AbstractProducer implements Producer {

    final RingMemory memory;

    final int capacity;

    final int maxRecordLength;

    final Claimants claimants;

    AbstractProducer(RingMemory memory, Claimants claimants) {
        this.memory = memory;
        this.capacity = memory.capacity;
        this.maxRecordLength = RecordDescriptor.maxRecordLength(memory.capacity);
        this.claimants = claimants;
    }

    /**
     * Reserves one record of {@code length} payload bytes, writing any wrap skip marker,
     * the end of the claim into {@code slot} (when there is one) and then the claimed
     * header; returns the record's position, or -1 when the ring has no room.
     */
    abstract long reserve(int length, Claimants.Slot slot);

    /**
     * The calling thread's claimant slot, or {@code null} when the table has none for it.
     */
    abstract Claimants.Slot slotOf(Thread thread);

    @Override
    public final WriteClaim tryClaim(int length) {
        this.memory.checkNotClosed();
        checkLength(length);
        Thread thread = Thread.currentThread();
        Claimants.Slot slot = slotFor(thread);
        long position = reserve(length, slot);
        if (position < 0) {
            return null;
        }
        WriteClaim claim = (slot != null) ? slot.claimObject() : new WriteClaim(this.memory);
        claim.open(thread, position, length);
        return claim;
    }

    @Override
    public final boolean offer(byte[] src) {
        return offer(src, 0, src.length);
    }

    @Override
    public final boolean offer(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        this.memory.checkNotClosed();
        checkLength(len);
        long position = reserve(len, slotFor(Thread.currentThread()));
        if (position < 0) {
            return false;
        }
        int index = this.memory.index(position);
        this.memory.buffer.put(index + RecordDescriptor.HEADER_LENGTH, src, off, len);
        publish(index, len);
        return true;
    }

    @Override
    public final boolean offer(ByteBuffer src) {
        int len = src.remaining();
        this.memory.checkNotClosed();
        checkLength(len);
        long position = reserve(len, slotFor(Thread.currentThread()));
        if (position < 0) {
            return false;
        }
        int index = this.memory.index(position);
        this.memory.buffer.put(index + RecordDescriptor.HEADER_LENGTH, src, src.position(), len);
        publish(index, len);
        src.position(src.limit());
        return true;
    }

    private Claimants.Slot slotFor(Thread thread) {
        Claimants.Slot slot = slotOf(thread);
        if (slot != null) {
            slot.claiming(thread);
        }
        return slot;
    }

    private void publish(int index, int len) {
        // Release: the payload copy above happens-before a consumer whose
        // getAcquire of this header sees the length (Consumer.tryRead/drain).
        // Crash (file-backed ring): the payload precedes the header in program order, so
        // a reopen sees the claimed header (dropped) or the whole record.
        this.memory.putHeaderRelease(index, RecordDescriptor.committedHeader(len));
        if (this.memory.signal != null) {
            this.memory.signal.signal();
        }
    }

    /**
     * Writes the claimed header of a reservation at {@code index}, after recording the
     * claim's end in the claimant's slot.
     */
    final void writeClaimedHeader(int index, long end, int length, Claimants.Slot slot) {
        int tag = 0;
        if (slot != null) {
            // Plain: read by other threads only after this thread has terminated
            // (Claimants.take) or together with a head they validate (monitors). Stored
            // before the tag is: a header never names a slot whose lastEnd is behind it.
            slot.lastEnd = end;
            tag = slot.tag;
        }
        // Release: publishes the slot's holder and name (written when this thread took
        // the slot) with the tag, for the consumer's and monitors' getAcquire of this
        // header: unblock must never see a previous, terminated holder of the slot. No
        // payload has been written yet. On x86 it costs what a plain store does.
        this.memory.putHeaderRelease(index, RecordDescriptor.claimedHeader(tag, length));
        // StoreStore: no payload store of this claim may become visible before its
        // claimed header. Crash (file-backed ring, MPSC): a reservation whose header is
        // still free then reads as zero to its end, which is how recovery finds its
        // extent.
        VarHandle.storeStoreFence();
    }

    @Override
    public final int capacity() {
        return this.capacity;
    }

    @Override
    public final int maxRecordLength() {
        return this.maxRecordLength;
    }

    final void checkLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException(
                    "record length must be at least 1 (0 marks an uncommitted" + " record), was " + length);
        }
        if (length > this.maxRecordLength) {
            throw new IllegalArgumentException("record length " + length + " exceeds maxRecordLength "
                    + this.maxRecordLength + " of this " + this.capacity + "-byte ring");
        }
    }

}
