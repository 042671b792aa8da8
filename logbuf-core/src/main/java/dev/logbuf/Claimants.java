package dev.logbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The threads that claim on one ring, so that a claimed header can name its claimant
 * ({@link RingBuffer#blockedClaim()}) and the consumer can tell whether it has terminated
 * ({@link Consumer#unblock}).
 *
 * <p>
 * A fixed table of {@link Slot}s, found by hashing the thread id and probing at most
 * {@link #PROBES} slots. A thread takes a slot at its first claim on this ring (a CAS,
 * once per thread, not per claim); the slot keeps the {@link Thread} (so its id, its
 * liveness and its name are known after it has terminated and for virtual threads), the
 * name it had at its last claim, the end of its last claim and its reusable
 * {@link WriteClaim}. A claimed header carries the slot's tag ({@code index + 1}).
 *
 * <p>
 * <b>Bounded:</b> the table never grows. A slot is taken over by a new thread once its
 * thread has terminated and the consumer has released everything up to the end of that
 * thread's last claim: from then on no header in the ring carries its tag, so the old
 * claimant can never be confused with the new one (a claim that is never resolved keeps
 * its slot, which is what lets {@link Consumer#unblock} name it). Nothing here refers to
 * a ring from a thread, so a discarded ring is collected with its table; a slot refers to
 * its last thread until a new one takes it over. A thread that finds no slot in its probe
 * window (more than {@link #PROBES} live claimants hash next to it) claims with tag 0:
 * its claims work, but a stall on one is reported without a name and is never unblocked.
 *
 * <p>
 * <b>Cost on the claim path:</b> one array read and one comparison to find the calling
 * thread's slot (the producers first compare with the slot of the last thread, SPSC, or
 * of the first thread that claimed, MPSC), one plain store of the claim's end position
 * into the slot (padded onto its own cache lines, written only by its thread), and no
 * allocation once the slot and its claim object exist, for platform and virtual threads
 * alike.
 */
final class Claimants {

    /** Slots probed from a thread's hash. */
    static final int PROBES = 16;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Slot[].class);

    private final Slot[] slots;

    private final int mask;

    private final RingMemory memory;

    private final LongSupplier head;

    /**
     * @param size number of slots, a power of two
     * @param head the ring's consumer position (acquire), to tell when a slot is free
     */
    Claimants(int size, RingMemory memory, LongSupplier head) {
        this.slots = new Slot[size];
        this.mask = size - 1;
        this.memory = memory;
        this.head = head;
    }

    /**
     * The calling thread's slot, taking one at its first claim; {@code null} when none is
     * free in its probe window.
     */
    Slot slotOf(Thread thread) {
        int hash = hash(thread);
        Slot[] slots = this.slots;
        for (int i = 0; i < PROBES; i++) {
            // Plain read: a slot holding this thread was published by this thread's own
            // CAS (program order); any other value is simply not ours.
            Slot slot = slots[(hash + i) & this.mask];
            if (slot != null && slot.thread == thread) {
                return slot;
            }
        }
        return take(thread, hash);
    }

    private Slot take(Thread thread, int hash) {
        for (int i = 0; i < PROBES; i++) {
            int index = (hash + i) & this.mask;
            // Acquire: pairs with the CAS that installed the slot, so its fields are
            // initialized.
            Slot slot = (Slot) SLOTS.getAcquire(this.slots, index);
            if (slot == null) {
                Slot fresh = new Slot(index + 1, thread, this.memory);
                // CAS: one slot object per index for the table's life; pairs with the
                // acquire above in other threads.
                if (SLOTS.compareAndSet(this.slots, index, null, fresh)) {
                    return fresh;
                }
                slot = (Slot) SLOTS.getAcquire(this.slots, index);
            }
            Thread owner = slot.owner();
            if (owner == thread) {
                return slot;
            }
            // isAlive() == false happens-after everything the owner did (JLS 17.4.4), so
            // its last lastEnd store is visible. Acquire on the head: pairs with the
            // consumer's putHeadRelease, so what it released is free.
            if (!owner.isAlive() && slot.lastEnd <= this.head.getAsLong() && slot.takeOver(owner, thread)) {
                return slot;
            }
        }
        return null;
    }

    /** The slot with this tag, or {@code null}; any thread. */
    Slot slot(int tag) {
        if (tag < 1 || tag > this.slots.length) {
            return null;
        }
        // Acquire: pairs with the CAS that installed it.
        return (Slot) SLOTS.getAcquire(this.slots, tag - 1);
    }

    @SuppressWarnings("deprecation") // Thread.threadId() needs Java 19; getId() is the
                                     // same number
    static long idOf(Thread thread) {
        return thread.getId();
    }

    private static int hash(Thread thread) {
        return (int) ((idOf(thread) * 0x9E37_79B9_7F4A_7C15L) >>> 40);
    }

    /** Padding in front of a slot's fields (JCTools style): 64 bytes. */
    abstract static class SlotPadL {

        long p00, p01, p02, p03, p04, p05, p06, p07;

    }

    abstract static class SlotFields extends SlotPadL {

        static final VarHandle THREAD;

        static final VarHandle NAME;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                THREAD = lookup.findVarHandle(SlotFields.class, "thread", Thread.class);
                NAME = lookup.findVarHandle(SlotFields.class, "name", String.class);
            }
            catch (ReflectiveOperationException ex) {
                throw new ExceptionInInitializerError(ex);
            }
        }

        /** The thread holding the slot; changes by CAS only, from a terminated thread. */
        Thread thread;

        /** The name {@link #thread} had at its last claim (opaque: read by monitors). */
        String name;

        /** End position of the holder's last claim; written by the holder only. */
        long lastEnd;

        /** The holder's reusable claim object; the holder's thread only. */
        WriteClaim claim;

    }

    /**
     * One claimant thread's entry, padded so that the holder's per-claim store never
     * shares a cache line with another slot.
     */
    static final class Slot extends SlotFields {

        long p10, p11, p12, p13, p14, p15, p16, p17;

        /** The tag claimed headers carry: index + 1. */
        final int tag;

        private final RingMemory memory;

        Slot(int tag, Thread thread, RingMemory memory) {
            this.tag = tag;
            this.memory = memory;
            this.thread = thread;
            this.name = thread.getName();
        }

        /** The holder (acquire: pairs with the CAS in takeOver). */
        Thread owner() {
            return (Thread) THREAD.getAcquire(this);
        }

        /** The holder's name at its last claim; any thread. */
        String name() {
            return (String) NAME.getOpaque(this);
        }

        boolean takeOver(Thread previous, Thread thread) {
            // CAS: only one thread takes over a slot; pairs with owner() in monitors.
            if (!THREAD.compareAndSet(this, previous, thread)) {
                return false;
            }
            // Plain: only the new holder writes these from now on, and readers on other
            // threads either validate against the head (monitors) or act only once this
            // thread has terminated (unblock, takeOver).
            this.lastEnd = 0;
            WriteClaim leaked = this.claim;
            if (leaked != null && leaked.isOpen()) {
                this.claim = null; // the previous holder died holding it: never hand it
                                   // out again
            }
            NAME.setOpaque(this, thread.getName());
            return true;
        }

        /**
         * Called by the holder on every claim: records the name it claims under (monitors
         * read it, opaque) when it changed.
         */
        void claiming(Thread thread) {
            String current = thread.getName();
            if (current != this.name) {
                NAME.setOpaque(this, current);
            }
        }

        /**
         * The holder's claim object, or a fresh one while it is open (a nested claim).
         */
        WriteClaim claimObject() {
            WriteClaim c = this.claim;
            if (c == null) {
                c = new WriteClaim(this.memory);
                this.claim = c;
                return c;
            }
            return c.isOpen() ? new WriteClaim(this.memory) : c;
        }

    }

}
