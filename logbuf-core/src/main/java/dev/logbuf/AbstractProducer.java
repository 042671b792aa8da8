package dev.logbuf;

import dev.logbuf.internal.PublishSignal;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the SPSC and MPSC producers share: argument checks, the copy paths of
 * {@code offer}, and the claim bookkeeping. Subclasses only decide how space is reserved
 * ({@link #reserve(int, int)}).
 */
abstract class AbstractProducer implements Producer {

    final RingMemory memory;

    final int capacity;

    final int maxRecordLength;

    final PublishSignal signal;

    AbstractProducer(RingMemory memory, PublishSignal signal) {
        this.memory = memory;
        this.capacity = memory.capacity;
        this.maxRecordLength = RecordDescriptor.maxRecordLength(memory.capacity);
        this.signal = signal;
    }

    /**
     * Reserves one record of {@code length} payload bytes (writing any wrap skip marker
     * and the claimed header) and returns the index of its header, or -1 when the ring
     * has no room.
     */
    abstract int reserve(int length, int claimantId);

    /**
     * A claim object for the calling thread: reused when free, fresh when the cached one
     * is still open.
     */
    abstract WriteClaim claimObject();

    @Override
    public final WriteClaim tryClaim(int length) {
        checkLength(length);
        int claimantId = claimantId();
        int index = reserve(length, claimantId);
        if (index < 0) {
            return null;
        }
        WriteClaim claim = claimObject();
        claim.open(index, length, claimantId);
        return claim;
    }

    @Override
    public final boolean offer(byte[] src) {
        return offer(src, 0, src.length);
    }

    @Override
    public final boolean offer(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        int claimantId = claimantId();
        int index = reserve(len, claimantId);
        if (index < 0) {
            return false;
        }
        memory.buffer.put(index + RecordDescriptor.HEADER_LENGTH, src, off, len);
        publish(index, claimantId, len);
        return true;
    }

    @Override
    public final boolean offer(ByteBuffer src) {
        int len = src.remaining();
        checkLength(len);
        int claimantId = claimantId();
        int index = reserve(len, claimantId);
        if (index < 0) {
            return false;
        }
        memory.buffer.put(index + RecordDescriptor.HEADER_LENGTH, src, src.position(), len);
        publish(index, claimantId, len);
        src.position(src.limit());
        return true;
    }

    private void publish(int index, int claimantId, int len) {
        // Release: the payload copy above happens-before a consumer whose
        // getAcquire of this header sees the length (Consumer.tryRead/drain).
        memory.putHeaderRelease(index, RecordDescriptor.committedHeader(claimantId, len));
        if (signal != null) {
            signal.signal();
        }
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final int maxRecordLength() {
        return maxRecordLength;
    }

    final void checkLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException(
                    "record length must be at least 1 (0 marks an uncommitted" + " record), was " + length);
        }
        if (length > maxRecordLength) {
            throw new IllegalArgumentException("record length " + length + " exceeds maxRecordLength " + maxRecordLength
                    + " of this " + capacity + "-byte ring");
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() needs Java 19; getId() is the
                                     // same number
    static int claimantId() {
        return (int) Thread.currentThread().getId();
    }

}
