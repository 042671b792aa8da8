package dev.logbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Remembers when the head of a ring was first seen blocked on a claimed, uncommitted
 * record, so {@link RingBuffer#blockedClaim()} can say how long. Two kinds of observers,
 * kept apart so neither slows the other:
 * <ul>
 * <li>the consumer (one thread) records into a single-writer seqlock: no allocation, no
 * CAS, and only when it is blocked at a new position;</li>
 * <li>monitoring threads record into an {@link AtomicReference} (they may allocate: it is
 * not a hot path).</li>
 * </ul>
 * Positions only grow, so a position identifies one record for the ring's life.
 */
final class StallWatch {

    static final long NONE = Long.MAX_VALUE;

    private static final VarHandle SEQUENCE;

    private static final VarHandle POSITION;

    private static final VarHandle SINCE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SEQUENCE = lookup.findVarHandle(StallWatch.class, "sequence", long.class);
            POSITION = lookup.findVarHandle(StallWatch.class, "consumerPosition", long.class);
            SINCE = lookup.findVarHandle(StallWatch.class, "consumerSince", long.class);
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long sequence;

    private long consumerPosition = -1;

    private long consumerSince;

    private final AtomicReference<Observation> monitor = new AtomicReference<>();

    /** The ring's clock ({@code System::nanoTime} unless a test injects one). */
    private final LongSupplier nanoClock;

    StallWatch(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    long now() {
        return this.nanoClock.getAsLong();
    }

    private record Observation(long position, long since) {
    }

    /**
     * Consumer thread only: it found the record at {@code position} claimed but not
     * committed.
     */
    void consumerObserved(long position) {
        if ((long) POSITION.getOpaque(this) == position) {
            return; // already recorded; only the consumer writes it
        }
        long s = (long) SEQUENCE.getOpaque(this);
        SEQUENCE.setOpaque(this, s + 1);
        // StoreStore: the odd sequence is visible before the fields change; pairs
        // with the loadLoadFence in consumerSince().
        VarHandle.storeStoreFence();
        POSITION.setOpaque(this, position);
        SINCE.setOpaque(this, this.nanoClock.getAsLong());
        // Release: the fields are visible before the even sequence; pairs with the
        // acquire load of the sequence in consumerSince().
        SEQUENCE.setRelease(this, s + 2);
    }

    /** When the consumer first saw {@code position} blocked, or {@link #NONE}. */
    private long consumerSince(long position) {
        for (int attempt = 0; attempt < 64; attempt++) {
            // Acquire: pairs with the release of the even sequence in consumerObserved().
            long before = (long) SEQUENCE.getAcquire(this);
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long p = (long) POSITION.getOpaque(this);
            long since = (long) SINCE.getOpaque(this);
            // LoadLoad: the field reads complete before the sequence re-read; pairs
            // with the storeStoreFence in consumerObserved().
            VarHandle.loadLoadFence();
            if ((long) SEQUENCE.getOpaque(this) == before) {
                return p == position ? since : NONE;
            }
        }
        return NONE; // the consumer keeps moving: its observation is not needed
    }

    /**
     * Monitoring thread: the record at {@code position} is blocked now ({@code now});
     * returns the earliest time any observer saw it blocked.
     */
    long blockedSince(long position, long now) {
        Observation seen = monitor.get();
        if (seen == null || seen.position() != position) {
            Observation mine = new Observation(position, now);
            if (monitor.compareAndSet(seen, mine)) {
                seen = mine;
            }
            else {
                seen = monitor.get();
            }
        }
        long since = seen != null && seen.position() == position ? seen.since() : now;
        return Math.min(since, consumerSince(position));
    }

}
