package dev.logbuf;

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
 * <b>An open claim belongs to the thread that claimed it.</b> Every method but
 * {@link #length()} and {@link #position()} throws {@link IllegalStateException} on any
 * other thread: a claim is filled and committed where it was taken, and a claim left
 * behind by a thread that terminated (which the consumer may have
 * {@linkplain Consumer#unblock unblocked} since) can never write into the ring again.
 *
 * <p>
 * <b>Reuse:</b> a producer hands out the same claim object again for later claims of the
 * same thread (that is how the hot path stays allocation-free). A reference must not be
 * used after {@link #close()}, {@link #commit()} or {@link #abort()}: it may by then
 * stand for a later record. One claim per thread may be open at a time without
 * allocation; a second concurrent claim on the same thread gets a fresh object.
 */
public final class WriteClaim implements AutoCloseable {

    private static final int OPEN = 0;

    private static final int COMMITTED = 1;

    private static final int ABORTED = 2;

    private final RingMemory memory;

    private final ByteBuffer data;

    private Thread owner;

    private int headerIndex;

    private int payloadIndex;

    private int length;

    private long position;

    private int state = ABORTED;

    WriteClaim(RingMemory memory) {
        this.memory = memory;
        this.data = memory.buffer;
    }

    void open(Thread owner, long position, int length) {
        this.owner = owner;
        this.position = position;
        this.headerIndex = this.memory.index(position);
        this.payloadIndex = this.headerIndex + RecordDescriptor.HEADER_LENGTH;
        this.length = length;
        this.state = OPEN;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    /** Payload length claimed. */
    public int length() {
        return this.length;
    }

    /**
     * The record's position in the ring: its start in the ever-growing byte positions of
     * {@link RingBuffer#producerPosition()}. A consumer sees the record once
     * {@link RingBuffer#consumerPosition()} has passed it; a {@code RecordSink} is handed
     * the same position.
     */
    public long position() {
        return this.position;
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
        this.state = COMMITTED;
        this.owner = null; // a reused claim object must not keep its last thread
                           // reachable
        // Release: every payload store above happens-before a consumer that reads
        // this header with getAcquire (Consumer.tryRead/drain) sees the record.
        // Crash (file-backed ring): program order puts the payload in memory before this
        // header, so a reopen finds either the claimed header (dropped) or the whole
        // record (delivered).
        this.memory.putHeaderRelease(this.headerIndex, RecordDescriptor.committedHeader(this.length));
        if (this.memory.signal != null) {
            this.memory.signal.signal();
        }
    }

    /**
     * Gives the space up: it becomes a skip marker the consumer passes over, and whatever
     * was written is never surfaced.
     * @throws IllegalStateException if already committed or aborted
     */
    public void abort() {
        checkOpen();
        this.state = ABORTED;
        this.owner = null;
        // Release: pairs with the consumer's getAcquire of the header, like commit().
        this.memory.putHeaderRelease(this.headerIndex,
                RecordDescriptor.skipMarkerHeader(RecordDescriptor.alignedLength(this.length)));
        if (this.memory.signal != null) {
            this.memory.signal.signal();
        }
    }

    /**
     * Aborts the claim if it is neither committed nor aborted; otherwise does nothing.
     */
    @Override
    public void close() {
        if (this.state == OPEN) {
            if (this.memory.isClosed() && this.owner == Thread.currentThread()) {
                // the file is released: write nothing; a reopen drops the claimed header
                this.state = ABORTED;
                this.owner = null;
                return;
            }
            abort();
        }
    }

    private void checkOpen() {
        if (this.state != OPEN || this.owner != Thread.currentThread() || this.memory.isClosed()) {
            throw notOpen();
        }
    }

    private IllegalStateException notOpen() {
        if (this.state != OPEN) {
            return new IllegalStateException(
                    (this.state == COMMITTED) ? "claim already committed" : "claim already aborted or closed");
        }
        Thread current = Thread.currentThread();
        if (current != this.owner) {
            return new IllegalStateException("this claim belongs to thread '" + this.owner.getName() + "' (id "
                    + Claimants.idOf(this.owner) + "), which claimed it; it was used from thread '" + current.getName()
                    + "' (id " + Claimants.idOf(current) + ")");
        }
        return new IllegalStateException("this ring is closed");
    }

    @Override
    public String toString() {
        return "WriteClaim[length=" + length + ", state="
                + (state == OPEN ? "open" : state == COMMITTED ? "committed" : "aborted") + "]";
    }

}
