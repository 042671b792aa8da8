package dev.logbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The oldest committed record of a ring, lent to the consumer by
 * {@link Consumer#tryRead()} until {@link #close()}. Offsets are relative to the first
 * payload byte; any access outside {@code [0, length())} throws
 * {@link IndexOutOfBoundsException}. Multi-byte values are little-endian.
 *
 * <p>
 * {@code close()} zeroes the record and releases its space to producers. The consumer
 * reuses this object for the next record: a reference must not be used after
 * {@code close()} (reads then throw {@link IllegalStateException} until the next
 * {@code tryRead()} hands it out again).
 */
public final class ReadClaim implements AutoCloseable {

    private final Consumer consumer;

    private final ByteBuffer data;

    private int payloadIndex;

    private int length;

    private long endPosition;

    private boolean open;

    ReadClaim(Consumer consumer, RingMemory memory) {
        this.consumer = consumer;
        this.data = memory.buffer;
    }

    void open(int headerIndex, int length, long endPosition) {
        this.payloadIndex = headerIndex + RecordDescriptor.HEADER_LENGTH;
        this.length = length;
        this.endPosition = endPosition;
        this.open = true;
    }

    boolean isOpen() {
        return open;
    }

    /** Payload length. */
    public int length() {
        return length;
    }

    public byte getByte(int offset) {
        checkOpen();
        Objects.checkIndex(offset, length);
        return data.get(payloadIndex + offset);
    }

    public short getShort(int offset) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Short.BYTES, length);
        return data.getShort(payloadIndex + offset);
    }

    public int getInt(int offset) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Integer.BYTES, length);
        return data.getInt(payloadIndex + offset);
    }

    public long getLong(int offset) {
        checkOpen();
        Objects.checkFromIndexSize(offset, Long.BYTES, length);
        return data.getLong(payloadIndex + offset);
    }

    /**
     * Copies payload bytes {@code [offset, offset + len)} into
     * {@code dst[dstOff, dstOff + len)}.
     */
    public void getBytes(int offset, byte[] dst, int dstOff, int len) {
        checkOpen();
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        Objects.checkFromIndexSize(offset, len, length);
        data.get(payloadIndex + offset, dst, dstOff, len);
    }

    /** A copy of the payload (allocates). */
    public byte[] toByteArray() {
        checkOpen();
        byte[] copy = new byte[length];
        data.get(payloadIndex, copy, 0, length);
        return copy;
    }

    /**
     * A read-only little-endian view of the payload (position 0, limit {@code length()});
     * allocates a small view object on each call and must not be used after
     * {@link #close()}.
     */
    public ByteBuffer buffer() {
        checkOpen();
        return data.slice(payloadIndex, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Zeroes the record and releases its space; a second call does nothing. */
    @Override
    public void close() {
        if (open) {
            open = false;
            this.consumer.release(this.endPosition);
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("read claim is closed");
        }
    }

    @Override
    public String toString() {
        return "ReadClaim[length=" + length + (open ? ", open]" : ", closed]");
    }

}
