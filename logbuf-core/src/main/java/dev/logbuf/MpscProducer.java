package dev.logbuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Field layout (JCTools style, padding by class hierarchy): headCache is read
 * by every producer on every claim and written rarely; it sits between two
 * 128-byte pads so unrelated writes never invalidate its line.
 *
 *   AbstractProducer   read-only configuration
 *   MpscProducerPadL   16 longs
 *   MpscProducerFields headCache                   (written by any producer, rarely)
 *   MpscProducer       16 longs, then firstSlot    (written once, read on every claim)
 */
abstract class MpscProducerPadL extends AbstractProducer {

    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    MpscProducerPadL(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
    }

}

abstract class MpscProducerFields extends MpscProducerPadL {

    static final VarHandle HEAD_CACHE;

    static {
        try {
            HEAD_CACHE = MethodHandles.lookup().findVarHandle(MpscProducerFields.class, "headCache", long.class);
        }
        catch (ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * A recent head position shared by all producers, a hint only: a stale (smaller)
     * value can only make a producer re-read the real head.
     */
    long headCache;

    MpscProducerFields(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
        this.headCache = memory.getHeadPlain();
    }

}

/**
 * The thread-safe producer of an MPSC ring: producers reserve space with a CAS on the
 * tail, then fill and commit independently; the consumer reads in reservation order and
 * waits at a record that is reserved but not committed. Each thread's claim object lives
 * in its claimant slot ({@link Claimants}), not in a {@code ThreadLocal}: nothing per
 * thread refers to the ring, and virtual threads reuse the slots of terminated ones.
 */
final class MpscProducer extends MpscProducerFields {

    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;

    /**
     * The claimant slot of the first thread that claimed, so that a ring with one
     * producer thread (or one busy one) finds its slot with one read and one comparison
     * instead of hashing into the table on every claim: 2% fewer instructions per claim
     * (issue 15, logbuf-benchmarks/README.md). Written while it is null only, so it does
     * not become a line that producer threads take from one another.
     */
    Claimants.Slot firstSlot;

    MpscProducer(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
    }

    @Override
    Claimants.Slot slotOf(Thread thread) {
        // Plain read, racy on purpose: the slot is only a candidate, checked below.
        Claimants.Slot first = this.firstSlot;
        // Plain read of the holder, as in Claimants.slotOf: a thread only ever installs
        // itself in a slot (its own CAS, before this in program order) and a holder is
        // replaced only once it has terminated, so finding this thread there means the
        // slot is this thread's; a stale or not yet visible holder is simply not this
        // thread, and the table answers.
        if (first != null && first.thread == thread) {
            return first;
        }
        Claimants.Slot slot = this.claimants.slotOf(thread);
        if (first == null) {
            // Plain: a thread that reads it through a race sees null or a slot whose
            // holder it checks as above (Slot.tag is final).
            this.firstSlot = slot;
        }
        return slot;
    }

    @Override
    long reserve(int length, Claimants.Slot slot) {
        final int aligned = RecordDescriptor.alignedLength(length);
        for (;;) {
            // Volatile read of the tail; the CAS below is what makes the reservation
            // exclusive.
            final long tail = this.memory.getTailVolatile();
            int index = this.memory.index(tail);
            final int toEnd = this.capacity - index;
            final int required = (aligned <= toEnd) ? aligned : toEnd + aligned;
            // Acquire: pairs with the setRelease below by whichever producer cached
            // it, which itself acquired it from the consumer's putHeadRelease; so the
            // consumer's zeroing happens-before our writes even with a cached head.
            long head = (long) HEAD_CACHE.getAcquire(this);
            if (tail + required - head > this.capacity) {
                // Acquire: pairs with the consumer's putHeadRelease after zeroing.
                head = this.memory.getHeadAcquire();
                if (tail + required - head > this.capacity) {
                    return -1;
                }
                // Release: passes on the happens-before edge we just acquired; pairs
                // with the getAcquire above in other producers.
                HEAD_CACHE.setRelease(this, head);
            }
            // CAS (volatile semantics): claims [tail, tail + required) for this thread
            // alone; pairs with other producers' CAS and the acquire loads of the
            // tail in producerPosition()/blockedClaim().
            // Crash (file-backed ring): from here until the claimed header below, the
            // reservation reads as zero; a reopen drops it by its extent up to the next
            // non-zero header (RingRecovery).
            if (this.memory.casTail(tail, tail + required)) {
                long position = tail;
                if (aligned > toEnd) {
                    // Release: pairs with the consumer's getAcquire of this header.
                    this.memory.putHeaderRelease(index, RecordDescriptor.skipMarkerHeader(toEnd));
                    index = 0;
                    position += toEnd;
                }
                writeClaimedHeader(index, position + aligned, length, slot);
                return position;
            }
        }
    }

}
