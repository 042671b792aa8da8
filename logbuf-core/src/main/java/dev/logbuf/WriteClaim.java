package dev.logbuf;

import dev.logbuf.internal.PublishSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Space reserved in a ring by {@link Producer#tryClaim(int)}, filled by the caller and
 * then {@linkplain #commit() committed} or {@linkplain #abort() aborted}. Offsets are
 * relative to the first payload byte; any access outside {@code [0, length())} throws
 * {@link IndexOutOfBoundsException} and writes nothing. Multi-byte values are
 * little-endian.
 *
 * <p>
 * <b>Reuse:</b> a producer hands out the same claim object again for later claims (that
 * is how the hot path stays allocation-free). A reference must not be used after
 * {@link #close()}, {@link #commit()} or {@link #abort()}: it may by then stand for
 * somebody else's record. One claim per thread may be open at a time without allocation;
 * a second concurrent claim on the same thread gets a fresh object.
 *
 * <p>
 * A claim is used by one thread at a time (normally the claiming one).
 */
public final class WriteClaim implements AutoCloseable {

    private static final int OPEN = 0;

    private static final int COMMITTED = 1;

    private static final int ABORTED = 2;

    private final RingMemory memory;

    private final ByteBuffer data;

    private final PublishSignal signal;

    private int headerIndex;

    private int payloadIndex;

    private int length;

    private int claimantId;

    private int state = ABORTED;

    WriteClaim(RingMemory memory, PublishSignal signal) {
        this.memory = memory;
        this.data = memory.buffer;
        this.signal = signal;
    }

    void open(int headerIndex, int length, int claimantId) {
        this.headerIndex = headerIndex;
        this.payloadIndex = headerIndex + RecordDescriptor.HEADER_LENGTH;
        this.length = length;
        this.claimantId = claimantId;
        this.state = OPEN;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    /** Payload length claimed. */
    public int length() {
        return length;
    }

    public WriteClaim putByte(int offset, byte value) {
        checkOpen();
        Objects.checkIndex(offset, length);
        data.put(payloadIndex + offset, value);
        return this;
    }

    public WriteClaim putShort(int offset, short value) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Short.BYTES, length);
        data.putShort(payloadIndex + offset, value);
        return this;
    }

    public WriteClaim putInt(int offset, int value) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Integer.BYTES, length);
        data.putInt(payloadIndex + offset, value);
        return this;
    }

    public WriteClaim putLong(int offset, long value) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Long.BYTES, length);
        data.putLong(payloadIndex + offset, value);
        return this;
    }

    /** Copies {@code src[srcOff, srcOff + len)} to the payload at {@code offset}. */
    public WriteClaim putBytes(int offset, byte[] src, int srcOff, int len) {
        checkOpen();
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(offset, len, length);
        data.put(payloadIndex + offset, src, srcOff, len);
        return this;
    }

    /**
     * Copies the remaining bytes of {@code src} to the payload at {@code offset} and
     * advances its position.
     */
    public WriteClaim putBytes(int offset, ByteBuffer src) {
        checkOpen();
        int len = src.remaining();
        Objects.checkFromIndexSize(offset, len, length);
        data.put(payloadIndex + offset, src, src.position(), len);
        src.position(src.limit());
        return this;
    }

    /**
     * A little-endian view of exactly this record's payload: position 0, limit and
     * capacity {@code length()}. Allocates a small view object on each call; prefer the
     * {@code put*} methods on hot paths. The view must not be used after commit or abort.
     */
    public ByteBuffer buffer() {
        checkOpen();
        return data.slice(payloadIndex, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Publishes the record to the consumer.
     * @throws IllegalStateException if already committed or aborted
     */
    public void commit() {
        checkOpen();
        state = COMMITTED;
        // Release: every payload store above happens-before a consumer that reads
        // this header with getAcquire (Consumer.tryRead/drain) sees the record.
        memory.putHeaderRelease(headerIndex, RecordDescriptor.committedHeader(claimantId, length));
        if (signal != null) {
            signal.signal();
        }
    }

    /**
     * Gives the space up: it becomes a skip marker the consumer passes over, and whatever
     * was written is never surfaced.
     * @throws IllegalStateException if already committed or aborted
     */
    public void abort() {
        checkOpen();
        state = ABORTED;
        // Release: pairs with the consumer's getAcquire of the header, like commit().
        memory.putHeaderRelease(headerIndex,
                RecordDescriptor.skipMarkerHeader(claimantId, RecordDescriptor.alignedLength(length)));
        if (signal != null) {
            signal.signal();
        }
    }

    /**
     * Aborts the claim if it is neither committed nor aborted; otherwise does nothing.
     */
    @Override
    public void close() {
        if (state == OPEN) {
            abort();
        }
    }

    private void checkOpen() {
        if (state != OPEN) {
            throw new IllegalStateException(
                    state == COMMITTED ? "claim already committed" : "claim already aborted or closed");
        }
    }

    @Override
    public String toString() {
        return "WriteClaim[length=" + length + ", state="
                + (state == OPEN ? "open" : state == COMMITTED ? "committed" : "aborted") + "]";
    }

}
