package dev.logbuf;

import dev.logbuf.internal.PublishSignal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes of one ring (data region + counter trailer, see {@link RingBufferDescriptor})
 * with the few ordered accesses the algorithms need. Plain payload access goes through
 * {@link #buffer}, a little-endian view whose absolute methods keep no state, so
 * producers and the consumer share it safely. Ordered accesses use a {@link VarHandle}
 * over the same buffer; no {@code Unsafe}, nothing that needs {@code --add-opens}.
 */
final class RingMemory {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final byte[] ZEROES = new byte[4096];

    /** Little-endian view of the whole memory (data + trailer), position 0. */
    final ByteBuffer buffer;

    /** Backing array when the memory is on the heap, for fast zeroing; else null. */
    private final byte[] array;

    private final int arrayOffset;

    final int capacity;

    final int mask;

    private final int tailIndex;

    private final int headIndex;

    private final int releasingIndex;

    /** Woken by every commit and abort (a channel's receiver), or {@code null}. */
    final PublishSignal signal;

    /** Set once by {@link #close()}; read (opaque) on every claim, commit and drain. */
    private boolean closed;

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(RingMemory.class, "closed", boolean.class);
        }
        catch (ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * @param memory the ring's bytes from {@code memory.position()}
     * @param capacity the data capacity, a power of two
     * @param signal woken by every commit and abort, or {@code null}
     * @param zero whether to zero data and counters (a new ring) or keep them (a reopened
     * file, recovered by {@link RingRecovery})
     */
    RingMemory(ByteBuffer memory, int capacity, PublishSignal signal, boolean zero) {
        this.buffer = memory.slice(memory.position(), capacity + RingBufferDescriptor.TRAILER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        checkAligned(memory, this.buffer);
        this.array = this.buffer.hasArray() ? this.buffer.array() : null;
        this.arrayOffset = this.buffer.hasArray() ? this.buffer.arrayOffset() : 0;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.signal = signal;
        this.tailIndex = capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        this.headIndex = capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET;
        this.releasingIndex = capacity + RingBufferDescriptor.RELEASING_POSITION_OFFSET;
        if (zero) {
            zero(0, capacity + RingBufferDescriptor.TRAILER_LENGTH);
        }
        // Publishes the zeroed memory to whichever thread later obtains the ring
        // through a data race; pairs with nothing in particular, it is a safety net
        // on top of the final-field freeze of the ring's constructor.
        VarHandle.releaseFence();
    }

    private static void checkAligned(ByteBuffer original, ByteBuffer view) {
        int misalignment;
        try {
            misalignment = view.alignmentOffset(0, 8);
        }
        catch (UnsupportedOperationException e) {
            // Heap buffers on a JVM that cannot promise a stable alignment: the
            // VarHandle refuses misaligned atomic access anyway, so probe it.
            misalignment = 0;
        }
        if (misalignment != 0) {
            throw new IllegalArgumentException("memory must start at an 8-byte aligned address; position "
                    + original.position() + " of this buffer is " + misalignment + " bytes past alignment");
        }
        try {
            LONG.getAcquire(view, 0);
        }
        catch (IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("memory must support atomic 8-byte access at position "
                    + original.position() + " (" + e.getMessage() + "): pass a direct or memory-mapped ByteBuffer"
                    + " whose position is 8-byte aligned; heap buffers support it only on Java 17-21", e);
        }
    }

    int index(long position) {
        return (int) position & mask;
    }

    // ---- headers ----------------------------------------------------------

    long getHeaderAcquire(int index) {
        return (long) LONG.getAcquire(buffer, index);
    }

    void putHeaderRelease(int index, long header) {
        LONG.setRelease(buffer, index, header);
    }

    // ---- counters ---------------------------------------------------------

    long getTailAcquire() {
        return (long) LONG.getAcquire(buffer, tailIndex);
    }

    long getTailVolatile() {
        return (long) LONG.getVolatile(buffer, tailIndex);
    }

    void putTailRelease(long tail) {
        LONG.setRelease(buffer, tailIndex, tail);
    }

    boolean casTail(long expected, long update) {
        return LONG.compareAndSet(buffer, tailIndex, expected, update);
    }

    long getHeadAcquire() {
        return (long) LONG.getAcquire(buffer, headIndex);
    }

    void putHeadRelease(long head) {
        LONG.setRelease(buffer, headIndex, head);
    }

    /**
     * The position the consumer is releasing up to: stored before it zeroes
     * {@code [head, releasing)} and before the head moves there, so that a file-backed
     * ring reopened after a crash in between finishes the release instead of reading
     * half-zeroed records.
     */
    long getReleasingPlain() {
        return (long) LONG.get(this.buffer, this.releasingIndex);
    }

    void putReleasingOpaque(long position) {
        LONG.setOpaque(this.buffer, this.releasingIndex, position);
    }

    void putTailPlain(long tail) {
        LONG.set(this.buffer, this.tailIndex, tail);
    }

    void putHeadPlain(long head) {
        LONG.set(this.buffer, this.headIndex, head);
    }

    long getTailPlain() {
        return (long) LONG.get(this.buffer, this.tailIndex);
    }

    long getHeadPlain() {
        return (long) LONG.get(this.buffer, this.headIndex);
    }

    void putHeaderPlain(int index, long header) {
        LONG.set(this.buffer, index, header);
    }

    long getHeaderPlain(int index) {
        return (long) LONG.get(this.buffer, index);
    }

    // ---- lifecycle --------------------------------------------------------

    /** Refuses further claims, commits and reads (file-backed rings). */
    void close() {
        // Volatile: pairs with the opaque reads in isClosed(); a thread that learns of
        // the close through any happens-before edge sees it.
        CLOSED.setVolatile(this, true);
    }

    boolean isClosed() {
        // Opaque: never hoisted out of a caller's loop; costs a plain load.
        return (boolean) CLOSED.getOpaque(this);
    }

    void checkNotClosed() {
        if (isClosed()) {
            throw new IllegalStateException("this ring is closed");
        }
    }

    // ---- bulk -------------------------------------------------------------

    /** Plain zeroing of {@code [index, index + length)} (no wrap). */
    void zero(int index, int length) {
        if (array != null) {
            Arrays.fill(array, arrayOffset + index, arrayOffset + index + length, (byte) 0);
            return;
        }
        while (length > 0) {
            int chunk = Math.min(length, ZEROES.length);
            buffer.put(index, ZEROES, 0, chunk);
            index += chunk;
            length -= chunk;
        }
    }

    /** Plain zeroing of the data between two positions, wrapping as needed. */
    void zeroPositions(long from, long to) {
        int length = (int) (to - from);
        int index = index(from);
        int firstPart = Math.min(length, capacity - index);
        zero(index, firstPart);
        if (firstPart < length) {
            zero(0, length - firstPart);
        }
    }

}
