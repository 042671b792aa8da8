package dev.logbuf;

import dev.logbuf.internal.PublishSignal;
import dev.logbuf.internal.RingAccess;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

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
 * {@code ByteBuffer} overloads use memory the caller owns; the {@code Path} overloads map
 * a file, so that the ring's content survives a crash of the process
 * ({@link #mpsc(Path, int)}).
 */
public final class RingBuffer implements AutoCloseable {

    /** Whether a ring accepts one producer or many. */
    public enum Type {

        /** Single producer, single consumer. */
        SPSC,
        /** Multiple producers, single consumer. */
        MPSC

    }

    /**
     * What reopening a file-backed ring found: the records it will deliver and the claims
     * it dropped. All zero for a new ring and a ring in memory.
     *
     * @param records committed records that were not yet released, delivered again in
     * order
     * @param bytes their payload bytes
     * @param claimsDropped claims that were open when the process died (claimed and never
     * committed, or reserved without a header), now skip markers
     */
    public record Recovery(long records, long bytes, long claimsDropped) {

        static final Recovery NONE = new Recovery(0, 0, 0);

    }

    static {
        RingAccess.install((type, capacityBytes, signal) -> builder(type).capacity(capacityBytes).build(signal));
    }

    /**
     * Skip markers blockedClaim() looks past to find the record the consumer will stop
     * at.
     */
    private static final int MAX_SKIP_MARKERS_SCANNED = 64;

    /** Claimant slots of an MPSC ring; an SPSC ring needs a few (hand-overs). */
    private static final int MPSC_CLAIMANT_SLOTS = 1024;

    private static final int SPSC_CLAIMANT_SLOTS = 16;

    private final Type type;

    private final long id;

    private final RingMemory memory;

    private final RingFile file;

    private final Recovery recovery;

    private final int maxRecordLength;

    private final Claimants claimants;

    private final AbstractProducer producer;

    private final Consumer consumer;

    private final StallWatch stallWatch;

    private final AtomicBoolean producerTaken = new AtomicBoolean();

    private final AtomicBoolean consumerTaken = new AtomicBoolean();

    private final AtomicBoolean closed = new AtomicBoolean();

    private RingBuffer(Type type, ByteBuffer memory, int capacity, PublishSignal signal, RingFile file,
            LongSupplier nanoClock) {
        this.type = type;
        this.file = file;
        boolean reopen = file != null && !file.created;
        this.memory = new RingMemory(memory, capacity, signal, !reopen);
        this.recovery = reopen ? RingRecovery.recover(this.memory, file.path) : Recovery.NONE;
        this.id = (file != null) ? file.id : ThreadLocalRandom.current().nextLong() | 1;
        this.maxRecordLength = RecordDescriptor.maxRecordLength(capacity);
        this.stallWatch = new StallWatch(nanoClock);
        this.claimants = new Claimants((type == Type.SPSC) ? SPSC_CLAIMANT_SLOTS : MPSC_CLAIMANT_SLOTS, this.memory,
                this.memory::getHeadAcquire);
        this.producer = (type == Type.SPSC) ? new SpscProducer(this.memory, this.claimants)
                : new MpscProducer(this.memory, this.claimants);
        this.consumer = new Consumer(this.memory, this.stallWatch, this.claimants);
        // Publishes the recovered memory and the counters read back into plain fields to
        // the threads that obtain the ring; a safety net on top of the final-field
        // freeze.
        VarHandle.releaseFence();
    }

    /**
     * A single-producer ring of at least {@code capacityBytes} bytes of data, rounded up
     * to the next power of two.
     * @param capacityBytes the data capacity
     * @return the ring
     * @throws IllegalArgumentException if {@code capacityBytes} is below 16 or above 1
     * GiB
     */
    public static RingBuffer spsc(int capacityBytes) {
        return builder(Type.SPSC).capacity(capacityBytes).build();
    }

    /**
     * A multi-producer ring of at least {@code capacityBytes} bytes of data, rounded up
     * to the next power of two.
     * @param capacityBytes the data capacity
     * @return the ring
     * @throws IllegalArgumentException if {@code capacityBytes} is below 16 or above 1
     * GiB
     */
    public static RingBuffer mpsc(int capacityBytes) {
        return builder(Type.MPSC).capacity(capacityBytes).build();
    }

    /**
     * A single-producer ring over caller-owned memory; see {@link #mpsc(ByteBuffer)} for
     * the layout and the rules.
     * @param memory the ring's memory
     * @return the ring
     */
    public static RingBuffer spsc(ByteBuffer memory) {
        return builder(Type.SPSC).memory(memory).build();
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
     * and the consumer position at {@code C + 256}, the position the consumer is
     * releasing up to at {@code C + 264}, the rest padding. Bytes past {@code C + 384}
     * are not touched. The ring starts empty: it zeroes the data region and the counters
     * (to reopen content after a crash, use {@link #mpsc(Path, int)}). Keep the memory
     * reachable and do not write to it while the ring is in use.
     * @param memory the ring's memory
     * @return the ring
     * @throws IllegalArgumentException if the buffer is read-only, not 8-byte aligned at
     * its position, has fewer than 400 bytes remaining, or does not support atomic access
     * (heap buffers on Java 22 and later)
     */
    public static RingBuffer mpsc(ByteBuffer memory) {
        return builder(Type.MPSC).memory(memory).build();
    }

    /**
     * A single-producer ring in a file; see {@link #mpsc(Path, int)}.
     * @param file the ring's file
     * @param capacityBytes the data capacity
     * @return the ring
     */
    public static RingBuffer spsc(Path file, int capacityBytes) {
        return builder(Type.SPSC).file(file).capacity(capacityBytes).build();
    }

    /**
     * A multi-producer ring in a memory-mapped file, whose content survives a crash of
     * the process: creates the file when it is absent or empty; reopens and recovers it
     * when it holds a ring.
     *
     * <p>
     * <b>Recovery.</b> After the process that used the file died at any instant (kill -9,
     * a JVM crash, an OOM kill), reopening delivers, in order and uncorrupted, every
     * record whose {@code commit()} or successful {@code offer()} returned before the
     * death and that the consumer had not released; claims open at the death are dropped
     * as skip markers; a release the consumer was in the middle of is finished (those
     * records are not delivered again). Positions continue from the file, and so does
     * {@link #id()}. {@link #recovery()} says what was found.
     *
     * <p>
     * <b>Durability.</b> Across the death of the process, not across an operating system
     * crash or a power loss: nothing forces the file to the device on the producer path
     * (an archive with a flush policy is for that).
     *
     * <p>
     * <b>Exclusive.</b> One open ring per file, in this JVM and across processes (a file
     * lock, released by {@link #close()} and by the death of the process). The file is
     * {@code 4096 + capacity + 384} bytes: a header page (magic, format version, type,
     * capacity, id), then the layout of {@link #mpsc(ByteBuffer)}.
     * @param file the ring's file
     * @param capacityBytes the data capacity, rounded up to a power of two; a reopened
     * file must have been created with the same
     * @return the ring
     * @throws IllegalArgumentException if the file holds a ring of another type or
     * capacity (both values named), is not a logbuf ring or is damaged; a file with
     * content is never silently re-initialized
     * @throws IllegalStateException if another ring in this JVM or another process holds
     * the file open
     * @throws java.io.UncheckedIOException if the file cannot be created, opened or
     * mapped
     */
    public static RingBuffer mpsc(Path file, int capacityBytes) {
        return builder(Type.MPSC).file(file).capacity(capacityBytes).build();
    }

    /**
     * A builder for a ring of {@code type}: its capacity or memory or file, and a clock.
     * @param type the ring's type
     * @return the builder
     */
    public static Builder builder(Type type) {
        return new Builder(Objects.requireNonNull(type, "type"));
    }

    /** {@link Type#SPSC} or {@link Type#MPSC}. */
    public Type type() {
        return this.type;
    }

    /** Data capacity in bytes, a power of two. */
    public int capacity() {
        return this.memory.capacity;
    }

    /**
     * Identifies this ring's content: a random number chosen when the ring (or its file)
     * was created, kept across reopenings of a file-backed ring. A position means a
     * record only together with this id (a sink that remembers positions stores both).
     */
    public long id() {
        return this.id;
    }

    /** The file of a file-backed ring; empty for a ring in memory. */
    public Optional<Path> file() {
        return (this.file != null) ? Optional.of(this.file.path) : Optional.empty();
    }

    /** What reopening the file found; all zero for a new ring or a ring in memory. */
    public Recovery recovery() {
        return this.recovery;
    }

    /**
     * The largest payload one claim may request: {@code capacity() / 2 - 8}. A record of
     * that size fits an empty ring wherever the head stands, wrap padding included (so a
     * 16-byte ring holds no record; 32 bytes hold 8-byte payloads).
     */
    public int maxRecordLength() {
        return this.maxRecordLength;
    }

    /**
     * The producer. SPSC: the one producer, for one thread at a time. MPSC: the same
     * thread-safe producer on every call.
     * @return the producer
     * @throws IllegalStateException on a second call for an SPSC ring
     */
    public Producer producer() {
        if (this.type == Type.SPSC && !this.producerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("this SPSC ring's producer was already taken; it has only one");
        }
        return this.producer;
    }

    /**
     * The one consumer.
     * @return the consumer
     * @throws IllegalStateException on a second call
     */
    public Consumer consumer() {
        if (!this.consumerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("this ring's consumer was already taken; it has only one");
        }
        return this.consumer;
    }

    /**
     * The end of the last claimed record, as a byte position that only grows; any thread.
     */
    public long producerPosition() {
        // Acquire: pairs with the producers' tail release/CAS.
        return this.memory.getTailAcquire();
    }

    /**
     * The end of the last released record, as a byte position that only grows; any
     * thread.
     */
    public long consumerPosition() {
        // Acquire: pairs with the consumer's putHeadRelease.
        return this.memory.getHeadAcquire();
    }

    /**
     * For monitoring, from any thread: the record the consumer is stopped at when it has
     * been claimed but not yet committed or aborted, else empty; with its claimant (name,
     * id, alive) where known. Reads only: it never slows producers and never changes what
     * the consumer reads.
     * @return the blocked claim, or empty
     */
    public Optional<BlockedClaim> blockedClaim() {
        for (int attempt = 0; attempt < 16; attempt++) {
            // Acquire loads: pair with the consumer's putHeadRelease and the producers'
            // tail release/CAS; head first, so head <= tail holds for what we read.
            long head = this.memory.getHeadAcquire();
            long tail = this.memory.getTailAcquire();
            long position = head;
            long header = 0;
            for (int skipped = 0; position < tail; skipped++) {
                // Acquire: pairs with the producers' release of a committed header or
                // skip marker.
                header = this.memory.getHeaderAcquire(this.memory.index(position));
                if (!RecordDescriptor.isSkipMarker(header) || skipped == MAX_SKIP_MARKERS_SCANNED) {
                    break;
                }
                // a skip marker the consumer will pass over: look behind it
                position -= RecordDescriptor.frameLength(header);
            }
            if (position >= tail || header > 0) {
                // empty, committed, or a long run of skip markers: the consumer can go on
                return Optional.empty();
            }
            Thread claimant = null;
            String name = null;
            if (RecordDescriptor.isClaimed(header)) {
                Claimants.Slot slot = this.claimants.slot(RecordDescriptor.tag(header));
                if (slot != null) {
                    claimant = slot.owner();
                    name = slot.name();
                }
            }
            // LoadLoad, then acquire: the header and slot reads complete before the head
            // is read again; an unchanged head means the record was not released, so its
            // slot still belongs to its claimant (Claimants.take).
            VarHandle.loadLoadFence();
            if (this.memory.getHeadAcquire() != head) {
                continue;
            }
            long now = this.stallWatch.now();
            long since = this.stallWatch.blockedSince(position, now);
            long blockedFor = Math.max(0, now - since);
            if (claimant == null) {
                return Optional.of(new BlockedClaim(position, blockedFor, null, -1, true));
            }
            boolean alive = claimant.isAlive();
            // Acquire: a claimant found terminated happened-before this read (JLS
            // 17.4.4), so a commit or abort it made just before its end is seen here:
            // never report a dead claim on a record that was resolved.
            if (!alive && this.memory.getHeaderAcquire(this.memory.index(position)) != header) {
                continue;
            }
            return Optional.of(new BlockedClaim(position, blockedFor, name, Claimants.idOf(claimant), alive));
        }
        return Optional.empty(); // the head keeps moving: nothing is blocked
    }

    /**
     * For monitoring, from any thread: the current stack of the live thread holding
     * {@code claim}, platform or virtual, so an operator sees where a stalled claimant
     * is. Empty when the claimant is unknown or has terminated, or the record at
     * {@code claim.position()} is no longer claimed by it. Costs what
     * {@link Thread#getStackTrace()} costs (a safepoint for a platform thread): call it
     * when a stall is reported, not on a schedule.
     * @param claim a snapshot from {@link #blockedClaim()}
     * @return the claimant's stack, outermost frame last
     */
    public Optional<StackTraceElement[]> claimantStackTrace(BlockedClaim claim) {
        Objects.requireNonNull(claim, "claim");
        if (claim.claimantThreadId() == -1 || claim.position() < this.memory.getHeadAcquire()) {
            return Optional.empty();
        }
        // Acquire: pairs with the claimant's release of its claimed header, which
        // publishes its slot.
        long header = this.memory.getHeaderAcquire(this.memory.index(claim.position()));
        Claimants.Slot slot = RecordDescriptor.isClaimed(header) ? this.claimants.slot(RecordDescriptor.tag(header))
                : null;
        Thread claimant = (slot != null) ? slot.owner() : null;
        if (claimant == null || Claimants.idOf(claimant) != claim.claimantThreadId() || !claimant.isAlive()) {
            return Optional.empty();
        }
        return Optional.of(claimant.getStackTrace());
    }

    /**
     * File-backed ring: releases the file (its lock and its registration in this JVM), so
     * that another ring or process may open it; afterwards {@code tryClaim},
     * {@code offer}, {@code tryRead}, {@code drain}, {@code drainTo} and the
     * {@code commit} of a claim still open throw {@link IllegalStateException}. Records
     * not yet released stay in the file for the next open. Close a ring only once its
     * producers and consumer are done with it: a write racing with {@code close()} may
     * still land in the file. Ring in memory: does nothing. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (this.file == null || !this.closed.compareAndSet(false, true)) {
            return;
        }
        this.memory.close();
        this.file.close();
    }

    @Override
    public String toString() {
        return "RingBuffer[" + this.type + ", capacity=" + capacity() + ", producerPosition=" + producerPosition()
                + ", consumerPosition=" + consumerPosition() + ((this.file != null) ? ", file=" + this.file.path : "")
                + "]";
    }

    /**
     * Builds a ring: in memory it allocates ({@link #capacity(int)}), in memory the
     * caller owns ({@link #memory(ByteBuffer)}), or in a file ({@link #file(Path)} with a
     * capacity).
     */
    public static final class Builder {

        private final Type type;

        private int capacity = -1;

        private ByteBuffer memory;

        private Path file;

        private LongSupplier nanoClock = System::nanoTime;

        private Builder(Type type) {
            this.type = type;
        }

        /**
         * Data capacity in bytes, rounded up to a power of two (16 bytes to 1 GiB).
         * @param capacityBytes the capacity
         * @return this builder
         */
        public Builder capacity(int capacityBytes) {
            this.capacity = capacityBytes;
            return this;
        }

        /**
         * Caller-owned memory; see {@link RingBuffer#mpsc(ByteBuffer)}. Excludes a
         * capacity and a file.
         * @param memory the memory
         * @return this builder
         */
        public Builder memory(ByteBuffer memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /**
         * A file to map; see {@link RingBuffer#mpsc(Path, int)}. Needs a capacity.
         * @param file the file
         * @return this builder
         */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * The clock stall times are measured with
         * ({@link BlockedClaim#blockedForNanos()}): {@code System::nanoTime} unless a
         * test wants to move time itself.
         * @param nanoClock a monotonic clock in nanoseconds
         * @return this builder
         */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Builds the ring.
         * @return the ring
         * @throws IllegalArgumentException for a missing, out-of-range or conflicting
         * setting, and for the reasons given on the factory methods
         */
        public RingBuffer build() {
            return build(null);
        }

        RingBuffer build(PublishSignal signal) {
            if (this.memory != null) {
                if (this.file != null || this.capacity != -1) {
                    throw new IllegalArgumentException("a ring over caller-owned memory takes its capacity from"
                            + " that memory: set memory(...) alone, without file(...) or capacity(...)");
                }
                if (this.memory.isReadOnly()) {
                    throw new IllegalArgumentException("memory must be writable, was a read-only buffer");
                }
                return new RingBuffer(this.type, this.memory, RingBufferDescriptor.capacityFor(this.memory), signal,
                        null, this.nanoClock);
            }
            if (this.capacity == -1) {
                throw new IllegalArgumentException("set the ring's capacity(...) or its memory(...)");
            }
            int rounded = RingBufferDescriptor.roundCapacity(this.capacity);
            if (this.file != null) {
                RingFile ringFile = RingFile.open(this.file, this.type, rounded);
                try {
                    return new RingBuffer(this.type, ringFile.ringMemory(), rounded, signal, ringFile, this.nanoClock);
                }
                catch (RuntimeException | Error ex) {
                    ringFile.close();
                    throw ex;
                }
            }
            ByteBuffer allocated = ByteBuffer.allocateDirect(rounded + RingBufferDescriptor.TRAILER_LENGTH);
            return new RingBuffer(this.type, allocated, rounded, signal, null, this.nanoClock);
        }

    }

}
