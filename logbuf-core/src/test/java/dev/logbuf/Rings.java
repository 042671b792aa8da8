package dev.logbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test helpers shared by the ring tests: the record arithmetic of the API contract
 * (8-byte header, 8-byte alignment, wrap padding), ring factories over every kind of
 * memory, and small payload utilities. Uses the public API only.
 */
final class Rings {

    /** Bytes of header in front of every payload (API.md, "Record format"). */
    static final int HEADER = 8;

    /** Every record starts at a multiple of this. */
    static final int ALIGNMENT = 8;

    private static final Map<String, Integer> SMALLEST_MEMORY = new ConcurrentHashMap<>();

    private Rings() {
    }

    /** The memory a ring can live in. */
    enum Memory {

        /**
         * {@code RingBuffer.spsc(int)} / {@code mpsc(int)}: memory the ring allocates
         * itself.
         */
        OWN,
        /** A caller-owned heap {@code ByteBuffer}. */
        HEAP_BUFFER,
        /** A caller-owned direct {@code ByteBuffer}. */
        DIRECT_BUFFER

    }

    /**
     * Bytes a record of {@code length} payload bytes occupies: header + payload, rounded
     * up to 8.
     */
    static int span(int length) {
        return (HEADER + length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Bytes the producer position advances by when a record of {@code length} bytes is
     * claimed at {@code producerPosition} in a ring of {@code capacity}: its span, plus a
     * skip marker up to the end of the data region when the record would cross it.
     */
    static int advance(long producerPosition, int capacity, int length) {
        int index = (int) (producerPosition & (capacity - 1));
        int span = span(length);
        return index + span > capacity ? capacity - index + span : span;
    }

    static RingBuffer ring(RingBuffer.Type type, int capacity) {
        return type == RingBuffer.Type.SPSC ? RingBuffer.spsc(capacity) : RingBuffer.mpsc(capacity);
    }

    static RingBuffer ring(RingBuffer.Type type, ByteBuffer memory) {
        return type == RingBuffer.Type.SPSC ? RingBuffer.spsc(memory) : RingBuffer.mpsc(memory);
    }

    /** A ring of exactly {@code capacity} data bytes over the given kind of memory. */
    static RingBuffer ring(RingBuffer.Type type, Memory memory, int capacity) {
        switch (memory) {
            case OWN:
                return ring(type, capacity);
            case HEAP_BUFFER:
                return ring(type, ByteBuffer.allocate(smallestMemoryFor(type, capacity, false)));
            case DIRECT_BUFFER:
                return ring(type, ByteBuffer.allocateDirect(smallestMemoryFor(type, capacity, true)));
            default:
                throw new AssertionError(memory);
        }
    }

    /**
     * The smallest caller-owned memory (a multiple of 8 bytes) over which a ring gets
     * exactly {@code capacity} data bytes, found through the public API only, so the
     * tests do not depend on the size of the counter trailer.
     */
    static int smallestMemoryFor(RingBuffer.Type type, int capacity, boolean direct) {
        return SMALLEST_MEMORY.computeIfAbsent(type + "/" + capacity + "/" + direct, key -> {
            for (int size = capacity; size <= capacity + 64 * 1024; size += 8) {
                ByteBuffer memory = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
                try {
                    if (ring(type, memory).capacity() == capacity) {
                        return size;
                    }
                }
                catch (IllegalArgumentException tooSmall) {
                    // keep growing
                }
            }
            throw new AssertionError("no memory size up to capacity + 64 KiB gives a ring of " + capacity);
        });
    }

    /**
     * Whether this JVM supports atomic {@code VarHandle} access to heap
     * {@code ByteBuffer}s (it does not on Java 22+). A ring over heap memory needs it;
     * where it is missing, the ring must refuse the memory.
     */
    static boolean heapBufferAtomicsSupported() {
        VarHandle longs = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        try {
            longs.getAcquire(ByteBuffer.allocate(16), 0);
            return true;
        }
        catch (IllegalStateException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Memory kinds this JVM can back a ring with. */
    static List<Memory> usableMemories() {
        List<Memory> memories = new ArrayList<>(List.of(Memory.OWN, Memory.DIRECT_BUFFER));
        if (heapBufferAtomicsSupported()) {
            memories.add(Memory.HEAP_BUFFER);
        }
        return memories;
    }

    /**
     * A recognisable payload: {@code length} bytes derived from {@code seed}, never all
     * zero.
     */
    static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + 1);
            if (bytes[i] == 0) {
                bytes[i] = (byte) 0x5A;
            }
        }
        return bytes;
    }

    /** Claims, fills and commits one record; fails the test when the ring is full. */
    static void write(Producer producer, byte[] payload) {
        WriteClaim claim = producer.tryClaim(payload.length);
        if (claim == null) {
            throw new AssertionError("ring unexpectedly full for a record of " + payload.length + " bytes");
        }
        claim.putBytes(0, payload, 0, payload.length);
        claim.commit();
    }

    /**
     * Offers one-byte records numbered 0, 1, 2... until the ring is full; returns how
     * many it took.
     */
    static int fillWithNumberedBytes(Producer producer) {
        int written = 0;
        while (producer.offer(new byte[] { (byte) written })) {
            written++;
        }
        return written;
    }

    /** Reads and releases the next record; fails the test when there is none. */
    static byte[] read(Consumer consumer) {
        ReadClaim claim = consumer.tryRead();
        if (claim == null) {
            throw new AssertionError("no committed record at the head");
        }
        try (claim) {
            return claim.toByteArray();
        }
    }

    /** Drains everything committed and returns copies of the payloads. */
    static List<byte[]> drainAll(Consumer consumer) {
        List<byte[]> records = new ArrayList<>();
        consumer.drain((buffer, offset, length) -> {
            byte[] copy = new byte[length];
            buffer.get(offset, copy, 0, length);
            records.add(copy);
        });
        return records;
    }

    /** Index of {@code pattern} in the remaining bytes of {@code memory}, or -1. */
    static int indexOf(ByteBuffer memory, byte[] pattern) {
        outer: for (int i = 0; i + pattern.length <= memory.capacity(); i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (memory.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
