package dev.logbuf;

/*
 * Field layout (JCTools style, padding by class hierarchy): the producer's
 * hot fields (tail, headCache) sit between two 128-byte pads so that no other
 * object's hot fields, the consumer's in particular, share their cache lines.
 *
 *   AbstractProducer   read-only configuration
 *   SpscProducerPadL   16 longs
 *   SpscProducerFields tail, headCache, lastThread, lastSlot  (written by the producer only)
 *   SpscProducer       16 longs
 */
abstract class SpscProducerPadL extends AbstractProducer {

    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    SpscProducerPadL(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
    }

}

abstract class SpscProducerFields extends SpscProducerPadL {

    /**
     * Producer position; only this producer writes it, so a plain field is its source of
     * truth.
     */
    long tail;

    /** Last head position read from the ring; refreshed only when space looks short. */
    long headCache;

    /** The thread of the last claim and its claimant slot: a hand-over changes them. */
    Thread lastThread;

    Claimants.Slot lastSlot;

    SpscProducerFields(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
        this.tail = memory.getTailPlain();
        this.headCache = memory.getHeadPlain();
    }

}

/** The one producer of an SPSC ring: no atomic read-modify-write on the hot path. */
final class SpscProducer extends SpscProducerFields {

    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;

    SpscProducer(RingMemory memory, Claimants claimants) {
        super(memory, claimants);
    }

    @Override
    Claimants.Slot slotOf(Thread thread) {
        if (thread == this.lastThread) {
            return this.lastSlot;
        }
        Claimants.Slot slot = this.claimants.slotOf(thread);
        this.lastThread = thread;
        this.lastSlot = slot;
        return slot;
    }

    @Override
    long reserve(int length, Claimants.Slot slot) {
        final int aligned = RecordDescriptor.alignedLength(length);
        long tail = this.tail;
        int index = this.memory.index(tail);
        final int toEnd = this.capacity - index;
        final int required = (aligned <= toEnd) ? aligned : toEnd + aligned;
        if (tail + required - this.headCache > this.capacity) {
            // Acquire: pairs with the consumer's putHeadRelease after zeroing, so the
            // space we are about to reuse reads as zeroes before we write it.
            this.headCache = this.memory.getHeadAcquire();
            if (tail + required - this.headCache > this.capacity) {
                return -1;
            }
        }
        if (aligned > toEnd) {
            // Release: pairs with the consumer's getAcquire of this header.
            // Crash (file-backed ring): a marker beyond the stored tail is cleared by a
            // reopen, which zeroes all free space.
            this.memory.putHeaderRelease(index, RecordDescriptor.skipMarkerHeader(toEnd));
            tail += toEnd;
            index = 0;
        }
        long position = tail;
        tail += aligned;
        writeClaimedHeader(index, tail, length, slot);
        this.tail = tail;
        // Release: pairs with the acquire loads of producerPosition() and
        // blockedClaim(); the claimed header above is visible with it.
        // Crash (file-backed ring): the header precedes the tail in program order, so a
        // reopen never finds a free header behind an SPSC tail.
        this.memory.putTailRelease(tail);
        return position;
    }

}
