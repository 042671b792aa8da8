package dev.logbuf;

import dev.logbuf.internal.PublishSignal;
import dev.logbuf.internal.RingAccess;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock-free ring of variable-length byte records with one consumer and either one
 * producer ({@link Type#SPSC}) or any number ({@link Type#MPSC}).
 *
 * <pre>{@code
 * RingBuffer ring = RingBuffer.mpsc(1 << 20);
 * Producer producer = ring.producer();          // any thread
 * producer.offer("hello".getBytes(UTF_8));
 * Consumer consumer = ring.consumer();          // one thread
 * consumer.drain((buf, off, len) -> archive(buf, off, len));
 * }</pre>
 *
 * <p>
 * <b>Capacity</b> is in bytes, not records. Each record occupies an 8-byte header plus
 * its payload, rounded up to a multiple of 8 (a 7-byte payload takes 16 bytes); a record
 * that would cross the end of the data region leaves the rest of it as padding and starts
 * again at the beginning. Size a ring for your worst burst: bytes per second of peak
 * traffic, times the longest pause of the consumer you want to absorb, times 2, rounded
 * up to a power of two.
 *
 * <p>
 * <b>Positions</b> ({@link #producerPosition()}, {@link #consumerPosition()}) are byte
 * counts that only grow; the bytes in use are their difference.
 *
 * <p>
 * <b>Memory</b>: {@link #spsc(int)} and {@link #mpsc(int)} allocate a direct buffer of
 * {@code capacity + 384} bytes (it counts against {@code -XX:MaxDirectMemorySize}); the
 * {@code ByteBuffer} overloads use memory the caller owns.
 */
public final class RingBuffer {

    /** Whether a ring accepts one producer or many. */
    public enum Type {

        /** Single producer, single consumer. */
        SPSC,
        /** Multiple producers, single consumer. */
        MPSC

    }

    static {
        RingAccess.install(RingBuffer::create);
    }

    /**
     * Skip markers blockedClaim() looks past to find the record the consumer will stop
     * at.
     */
    private static final int MAX_SKIP_MARKERS_SCANNED = 64;

    private final Type type;

    private final RingMemory memory;

    private final int maxRecordLength;

    private final AbstractProducer producer;

    private final Consumer consumer;

    private final StallWatch stallWatch = new StallWatch();

    private final AtomicBoolean producerTaken = new AtomicBoolean();

    private final AtomicBoolean consumerTaken = new AtomicBoolean();

    private RingBuffer(Type type, ByteBuffer memory, int capacity, PublishSignal signal) {
        this.type = type;
        this.memory = new RingMemory(memory, capacity);
        this.maxRecordLength = RecordDescriptor.maxRecordLength(capacity);
        this.producer = type == Type.SPSC ? new SpscProducer(this.memory, signal)
                : new MpscProducer(this.memory, signal);
        this.consumer = new Consumer(this.memory, stallWatch);
    }

    /**
     * A single-producer ring of at least {@code capacityBytes} bytes of data, rounded up
     * to the next power of two.
     * @throws IllegalArgumentException if {@code capacityBytes} is below 16 or above 1
     * GiB
     */
    public static RingBuffer spsc(int capacityBytes) {
        return create(Type.SPSC, capacityBytes, null);
    }

    /**
     * A multi-producer ring of at least {@code capacityBytes} bytes of data, rounded up
     * to the next power of two.
     * @throws IllegalArgumentException if {@code capacityBytes} is below 16 or above 1
     * GiB
     */
    public static RingBuffer mpsc(int capacityBytes) {
        return create(Type.MPSC, capacityBytes, null);
    }

    /**
     * A single-producer ring over caller-owned memory; see {@link #mpsc(ByteBuffer)} for
     * the layout and the rules.
     */
    public static RingBuffer spsc(ByteBuffer memory) {
        return over(Type.SPSC, memory);
    }

    /**
     * A multi-producer ring over caller-owned memory: heap (Java 17-21 only), direct or
     * memory-mapped.
     *
     * <p>
     * The ring uses the buffer's remaining bytes, from its position (which must be 8-byte
     * aligned) on; it does not change the buffer's position or limit. Layout, relative to
     * that position: a data region of {@code C} bytes, where {@code C} is the largest
     * power of two, at most 1 GiB, with {@code C + 384 <= remaining()}; then 384 bytes of
     * counters: the producer position as a little-endian {@code long} at {@code C + 128}
     * and the consumer position at {@code C + 256}, the rest padding. Bytes past
     * {@code C + 384} are not touched. The ring starts empty: it zeroes the data region
     * and the counters. Keep the memory reachable and do not write to it while the ring
     * is in use.
     * @throws IllegalArgumentException if the buffer is read-only, not 8-byte aligned at
     * its position, has fewer than 400 bytes remaining, or does not support atomic access
     * (heap buffers on Java 22 and later)
     */
    public static RingBuffer mpsc(ByteBuffer memory) {
        return over(Type.MPSC, memory);
    }

    private static RingBuffer over(Type type, ByteBuffer memory) {
        Objects.requireNonNull(memory, "memory");
        if (memory.isReadOnly()) {
            throw new IllegalArgumentException("memory must be writable, was a read-only buffer");
        }
        return new RingBuffer(type, memory, RingBufferDescriptor.capacityFor(memory), null);
    }

    private static RingBuffer create(Type type, int capacityBytes, PublishSignal signal) {
        int capacity = RingBufferDescriptor.roundCapacity(capacityBytes);
        ByteBuffer memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        return new RingBuffer(type, memory, capacity, signal);
    }

    /** {@link Type#SPSC} or {@link Type#MPSC}. */
    public Type type() {
        return type;
    }

    /** Data capacity in bytes, a power of two. */
    public int capacity() {
        return memory.capacity;
    }

    /**
     * The largest payload one claim may request: {@code capacity() / 2 - 8}. A record of
     * that size fits an empty ring wherever the head stands, wrap padding included (so a
     * 16-byte ring holds no record; 32 bytes hold 8-byte payloads).
     */
    public int maxRecordLength() {
        return maxRecordLength;
    }

    /**
     * The producer. SPSC: the one producer, for one thread at a time. MPSC: the same
     * thread-safe producer on every call.
     * @throws IllegalStateException on a second call for an SPSC ring
     */
    public Producer producer() {
        if (type == Type.SPSC && !producerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("this SPSC ring's producer was already taken; it has only one");
        }
        return producer;
    }

    /**
     * The one consumer.
     * @throws IllegalStateException on a second call
     */
    public Consumer consumer() {
        if (!consumerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("this ring's consumer was already taken; it has only one");
        }
        return consumer;
    }

    /**
     * The end of the last claimed record, as a byte position that only grows; any thread.
     */
    public long producerPosition() {
        // Acquire: pairs with the producers' tail release/CAS.
        return memory.getTailAcquire();
    }

    /**
     * The end of the last released record, as a byte position that only grows; any
     * thread.
     */
    public long consumerPosition() {
        // Acquire: pairs with the consumer's putHeadRelease.
        return memory.getHeadAcquire();
    }

    /**
     * For monitoring, from any thread: the record at the head when it has been claimed
     * but not yet committed or aborted, else empty. Reads only: it never slows producers
     * and never changes what the consumer reads.
     */
    public Optional<BlockedClaim> blockedClaim() {
        for (int attempt = 0; attempt < 16; attempt++) {
            // Acquire loads: pair with the consumer's putHeadRelease and the producers'
            // tail release/CAS; head first, so head <= tail holds for what we read.
            long head = memory.getHeadAcquire();
            long tail = memory.getTailAcquire();
            long position = head;
            long header = 0;
            for (int skipped = 0; position < tail; skipped++) {
                // Acquire: pairs with the producers' release of a committed header or
                // skip marker.
                header = memory.getHeaderAcquire(memory.index(position));
                int frameLength = RecordDescriptor.frameLength(header);
                if (frameLength >= 0 || skipped == MAX_SKIP_MARKERS_SCANNED) {
                    break;
                }
                position -= frameLength; // a skip marker the consumer will pass over:
                                         // look behind it
            }
            if (position >= tail) {
                return Optional.empty();
            }
            // Acquire: pairs with the consumer's putHeadRelease. An unchanged head means
            // none of what we read was released and reused in the meantime.
            if (memory.getHeadAcquire() != head) {
                continue;
            }
            if (RecordDescriptor.frameLength(header) != 0) {
                return Optional.empty(); // committed (or a long run of skip markers): the
                                         // consumer can go on
            }
            long now = System.nanoTime();
            long since = stallWatch.blockedSince(position, now);
            return Optional.of(new BlockedClaim(position, Math.max(0, now - since),
                    Claimants.nameOf(RecordDescriptor.claimantId(header))));
        }
        return Optional.empty(); // the head keeps moving: nothing is blocked
    }

    @Override
    public String toString() {
        return "RingBuffer[" + type + ", capacity=" + capacity() + ", producerPosition=" + producerPosition()
                + ", consumerPosition=" + consumerPosition() + "]";
    }

}
