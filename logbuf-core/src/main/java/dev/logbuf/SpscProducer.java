package dev.logbuf;

import dev.logbuf.internal.PublishSignal;

/*
 * Field layout (JCTools style, padding by class hierarchy): the producer's
 * hot fields (tail, headCache) sit between two 128-byte pads so that no other
 * object's hot fields, the consumer's in particular, share their cache lines.
 *
 *   AbstractProducer   read-only configuration
 *   SpscProducerPadL   16 longs
 *   SpscProducerFields tail, headCache, claim      (written by the producer only)
 *   SpscProducer       16 longs
 */
abstract class SpscProducerPadL extends AbstractProducer {

    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    SpscProducerPadL(RingMemory memory, PublishSignal signal) {
        super(memory, signal);
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

    WriteClaim claim;

    SpscProducerFields(RingMemory memory, PublishSignal signal) {
        super(memory, signal);
    }

}

/** The one producer of an SPSC ring: no atomic read-modify-write on the hot path. */
final class SpscProducer extends SpscProducerFields {

    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;

    SpscProducer(RingMemory memory, PublishSignal signal) {
        super(memory, signal);
        this.claim = new WriteClaim(memory, signal);
    }

    @Override
    int reserve(int length, int claimantId) {
        final int aligned = RecordDescriptor.alignedLength(length);
        long tail = this.tail;
        int index = memory.index(tail);
        final int toEnd = capacity - index;
        final int required = aligned <= toEnd ? aligned : toEnd + aligned;
        if (tail + required - headCache > capacity) {
            // Acquire: pairs with the consumer's putHeadRelease after zeroing, so the
            // space we are about to reuse reads as zeroes before we write it.
            headCache = memory.getHeadAcquire();
            if (tail + required - headCache > capacity) {
                return -1;
            }
        }
        if (aligned > toEnd) {
            // Release: pairs with the consumer's getAcquire of this header.
            memory.putHeaderRelease(index, RecordDescriptor.skipMarkerHeader(claimantId, toEnd));
            tail += toEnd;
            index = 0;
        }
        // Opaque: for monitoring only (blockedClaim names the claimant); the tail's
        // release store below publishes it together with the claim.
        memory.putHeaderOpaque(index, RecordDescriptor.claimedHeader(claimantId));
        tail += aligned;
        this.tail = tail;
        // Release: pairs with the acquire loads of producerPosition() and
        // blockedClaim(); the claimed header above is visible with it.
        memory.putTailRelease(tail);
        return index;
    }

    @Override
    WriteClaim claimObject() {
        WriteClaim c = claim;
        return c.isOpen() ? new WriteClaim(memory, signal) : c;
    }

}
