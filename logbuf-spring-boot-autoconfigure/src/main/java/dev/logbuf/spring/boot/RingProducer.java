package dev.logbuf.spring.boot;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;

/**
 * The {@code @Qualifier("<name>") Producer} bean of a ring: passes every call to the
 * ring's own producer and counts the calls that found the ring full
 * ({@code logbuf.claims.rejected}). A successful claim or offer touches no shared
 * counter: only the rejected path increments a {@link LongAdder}, whose cells spread
 * contention when many producers find the ring full at once.
 *
 * <p>
 * Once the ring's drain loop has been stopped (after the web server's graceful shutdown),
 * claims and offers are refused as if the ring were full, so that the final drain sees a
 * ring that only shrinks; those refusals are not counted as rejections. Starting the
 * drain loop again accepts them again.
 */
public final class RingProducer implements Producer {

    private final String ringName;

    private final Producer delegate;

    private final LongAdder rejected = new LongAdder();

    /**
     * Written by the drain lifecycle's start/stop; read on every claim. A volatile load
     * of a field that changes twice per application lifetime stays in every producer
     * core's cache, so it costs nothing measurable.
     */
    private volatile boolean refusing;

    RingProducer(String ringName, Producer delegate) {
        this.ringName = ringName;
        this.delegate = delegate;
    }

    @Override
    public WriteClaim tryClaim(int length) {
        // volatile read: pairs with the volatile write in refuseClaims(), so a claim
        // that starts after the drain loop's stop() is refused
        if (this.refusing) {
            return null;
        }
        WriteClaim claim = this.delegate.tryClaim(length);
        if (claim == null) {
            this.rejected.increment();
        }
        return claim;
    }

    @Override
    public boolean offer(byte[] src) {
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src));
    }

    @Override
    public boolean offer(byte[] src, int off, int len) {
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src, off, len));
    }

    @Override
    public boolean offer(ByteBuffer src) {
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src));
    }

    @Override
    public int capacity() {
        return this.delegate.capacity();
    }

    @Override
    public int maxRecordLength() {
        return this.delegate.maxRecordLength();
    }

    /**
     * The name of the ring this producer writes to.
     * @return the ring's name
     */
    public String ringName() {
        return this.ringName;
    }

    private boolean counted(boolean accepted) {
        if (!accepted) {
            this.rejected.increment();
        }
        return accepted;
    }

    /** Claims and offers that found the ring full so far. */
    long rejectedCount() {
        return this.rejected.sum();
    }

    /** Refuses every later claim and offer (volatile write, read by every claim). */
    void refuseClaims() {
        this.refusing = true;
    }

    /** Accepts claims and offers again (volatile write, read by every claim). */
    void acceptClaims() {
        this.refusing = false;
    }

    @Override
    public String toString() {
        return "RingProducer[" + this.ringName + "]";
    }

}
