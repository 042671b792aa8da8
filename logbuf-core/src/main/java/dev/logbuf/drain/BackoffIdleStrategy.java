package dev.logbuf.drain;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spins, then yields, then parks for a time that doubles from a minimum up to a maximum;
 * {@link #reset()} (after work) starts again with spinning. Not thread-safe: one per
 * polling thread.
 */
public final class BackoffIdleStrategy implements IdleStrategy {

    /** Spins of the default strategy. */
    public static final int DEFAULT_SPINS = 100;

    /** Yields of the default strategy. */
    public static final int DEFAULT_YIELDS = 10;

    /** Shortest park of the default strategy: 1 &micro;s. */
    public static final long DEFAULT_MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

    /** Longest park of the default strategy: 1 ms. */
    public static final long DEFAULT_MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxSpins;

    private final int maxYields;

    private final long minParkNanos;

    private final long maxParkNanos;

    private int spins;

    private int yields;

    private long parkNanos;

    /** The default strategy: 100 spins, 10 yields, parks of 1 &micro;s up to 1 ms. */
    public BackoffIdleStrategy() {
        this(DEFAULT_SPINS, DEFAULT_YIELDS, DEFAULT_MIN_PARK_NANOS, DEFAULT_MAX_PARK_NANOS);
    }

    /**
     * @param maxSpins spins before yielding
     * @param maxYields yields before parking
     * @param minParkNanos the first park
     * @param maxParkNanos the longest park
     * @throws IllegalArgumentException for negative counts or parks outside
     * {@code 1 <= min <= max}
     */
    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        if (maxSpins < 0 || maxYields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("need spins >= 0, yields >= 0 and 1 <= minParkNanos <= maxParkNanos,"
                    + " was " + maxSpins + ", " + maxYields + ", " + minParkNanos + ", " + maxParkNanos);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.parkNanos = minParkNanos;
    }

    @Override
    public void idle() {
        idleAtMost(Long.MAX_VALUE);
    }

    /**
     * Idles once like {@link #idle()}, parking no longer than {@code maxNanos} (a caller
     * with a deadline).
     * @param maxNanos the longest this call may park, at least 1
     */
    public void idleAtMost(long maxNanos) {
        if (this.spins < this.maxSpins) {
            this.spins++;
            Thread.onSpinWait();
        }
        else if (this.yields < this.maxYields) {
            this.yields++;
            Thread.yield();
        }
        else {
            LockSupport.parkNanos(this, Math.min(this.parkNanos, Math.max(1, maxNanos)));
            this.parkNanos = Math.min(this.parkNanos << 1, this.maxParkNanos);
        }
    }

    /**
     * Whether spinning and yielding are done, so that the next {@link #idle()} parks: a
     * caller with its own way to park (register for a wake-up, then park) takes over from
     * here.
     * @return whether the strategy has reached its parking phase
     */
    public boolean isParking() {
        return this.spins >= this.maxSpins && this.yields >= this.maxYields;
    }

    @Override
    public void reset() {
        this.spins = 0;
        this.yields = 0;
        this.parkNanos = this.minParkNanos;
    }

}
