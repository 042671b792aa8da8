package dev.logbuf.drain;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * What a polling loop does when a turn found no work: spin, yield, park, or a mix. One
 * instance per thread (they keep state); modelled on Agrona's {@code IdleStrategy}.
 *
 * <pre>{@code
 * IdleStrategy idle = IdleStrategy.backoff();
 * while (running) {
 *     idle.idle(consumer.drainTo(sink, 256));   // resets after work, idles after none
 * }
 * }</pre>
 */
public interface IdleStrategy {

    /**
     * After a turn that did {@code workCount} units of work: {@link #reset()} when it did
     * some, {@link #idle()} when it did none.
     * @param workCount the work done by the last turn
     */
    default void idle(int workCount) {
        if (workCount > 0) {
            reset();
        }
        else {
            idle();
        }
    }

    /** Idles once after a turn that found no work. */
    void idle();

    /** Forgets how long the loop has been idle (called after work). */
    default void reset() {
    }

    /**
     * Spins with {@link Thread#onSpinWait()}: lowest latency, one core fully busy.
     * @return a new strategy
     */
    static IdleStrategy busySpin() {
        return Thread::onSpinWait;
    }

    /**
     * Calls {@link Thread#yield()}: low latency, the core stays busy unless others want
     * it.
     * @return a new strategy
     */
    static IdleStrategy yielding() {
        return Thread::yield;
    }

    /**
     * Parks for {@code period} each time: least CPU, up to that much added latency.
     * @param period how long to park
     * @return a new strategy
     */
    static IdleStrategy parking(Duration period) {
        long nanos = period.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return () -> LockSupport.parkNanos(nanos);
    }

    /**
     * {@link BackoffIdleStrategy} with its defaults: 100 spins, 10 yields, then parks
     * from 1 &micro;s doubling up to 1 ms.
     * @return a new strategy
     */
    static BackoffIdleStrategy backoff() {
        return new BackoffIdleStrategy();
    }

}
