package dev.logbuf.logback;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The logging threads' side of the ring: one encoded event in, one record out, with the
 * {@link FullRingPolicy} applied when the ring has no room. Counts what it drops and
 * truncates; never blocks longer than the policy's {@code maxWait}.
 */
final class RingWriter {

    private static final byte[] TRUNCATED = " [truncated by logbuf: longer than the ring's largest record]\n"
        .getBytes(StandardCharsets.US_ASCII);

    private static final int SPINS = 64;

    private static final long MAX_PARK_NANOS = 1_000_000;

    private final RingBuffer ring;

    private final Producer producer;

    private final int waitLevel;

    private final long reserveBytes;

    private final long maxWaitNanos;

    private final DropCounters drops;

    private final AtomicLong truncated = new AtomicLong();

    private final AtomicLong waitsTimedOut = new AtomicLong();

    /**
     * The consumer position at which a wait last timed out, -1 when none: while the ring
     * has not moved from it, nobody waits again.
     */
    private final AtomicLong stalledAt = new AtomicLong(-1);

    /**
     * The thread that drains the ring: it must never wait for itself. Volatile: written
     * by start(), read by every logging thread on the wait path.
     */
    private volatile Thread drainThread;

    /**
     * Nobody will drain: the drain thread is stuck in a sink call at stop. Volatile:
     * written by stop(), read by waiting threads, which then give up at once.
     */
    private volatile boolean noWaiting;

    /**
     * Run by a waiting thread before each retry: once the drain loop has stopped, it
     * drains the ring on that thread (LoggingDrain#afterWrite; a no-op while the loop
     * runs). Volatile: written by start(), read by waiting threads.
     */
    private volatile Runnable drainWhileWaiting = () -> {
    };

    RingWriter(RingBuffer ring, Producer producer, FullRingPolicy policy, DropCounters drops) {
        this.ring = ring;
        this.producer = producer;
        this.waitLevel = policy.waitLevel().toInt();
        this.reserveBytes = (long) ring.capacity() * policy.reservePercent() / 100;
        this.maxWaitNanos = policy.maxWait().toNanos();
        this.drops = drops;
    }

    void drainThread(Thread thread) {
        this.drainThread = thread;
    }

    void noWaiting(boolean noWaiting) {
        this.noWaiting = noWaiting;
    }

    void drainWhileWaiting(Runnable drain) {
        this.drainWhileWaiting = drain;
    }

    long truncated() {
        return this.truncated.get();
    }

    /** Waits for room that ended without room: at most one per stall of the drain. */
    long waitsTimedOut() {
        return this.waitsTimedOut.get();
    }

    /**
     * Writes {@code bytes[0, length)} as one record, or drops it by the policy.
     * @param levelInt the event's {@code Level.toInt()}
     * @return whether the record is in the ring
     */
    boolean write(byte[] bytes, int length, int levelInt, EncodeBuffer buffer) {
        int max = this.producer.maxRecordLength();
        if (length > max) {
            bytes = truncate(bytes, max, buffer);
            length = buffer.length;
        }
        if (levelInt < this.waitLevel) {
            // Acquire loads of both positions (RingBuffer): a stale consumer position
            // only overstates the bytes in use, so the reserve is never eaten into.
            long used = this.ring.producerPosition() - this.ring.consumerPosition();
            if (used + frameLength(length) > this.ring.capacity() - this.reserveBytes
                    || !this.producer.offer(bytes, 0, length)) {
                this.drops.dropped(DropCounters.index(levelInt));
                return false;
            }
            return true;
        }
        if (this.producer.offer(bytes, 0, length) || waitAndOffer(bytes, length)) {
            return true;
        }
        this.drops.dropped(DropCounters.index(levelInt));
        return false;
    }

    private boolean waitAndOffer(byte[] bytes, int length) {
        if (this.maxWaitNanos == 0 || this.noWaiting || Thread.currentThread() == this.drainThread) {
            return false;
        }
        long stalled = this.stalledAt.get();
        if (stalled >= 0) {
            if (this.ring.consumerPosition() == stalled) {
                return false; // still stuck where a wait already timed out: do not wait
                              // again
            }
            this.stalledAt.compareAndSet(stalled, -1);
        }
        long deadline = System.nanoTime() + this.maxWaitNanos;
        long park = 1_000;
        for (int attempt = 0;; attempt++) {
            if (attempt < SPINS) {
                Thread.onSpinWait();
            }
            else if (attempt < SPINS + 8) {
                Thread.yield();
            }
            else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    this.waitsTimedOut.incrementAndGet();
                    // Volatile write: pairs with the get() above in later callers.
                    this.stalledAt.set(this.ring.consumerPosition());
                    return false;
                }
                LockSupport.parkNanos(Math.min(park, left));
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
            if (this.noWaiting) {
                return this.producer.offer(bytes, 0, length);
            }
            // after stop the drain loop is gone and a full ring only empties if the
            // logging threads drain it: before this, a wait during the stop gave up and
            // dropped its event (ShutdownTest)
            this.drainWhileWaiting.run();
            if (this.producer.offer(bytes, 0, length)) {
                return true;
            }
        }
    }

    /**
     * Cuts a record to the ring's largest, ending it with a marker (and its newline);
     * sets {@code buffer.length}.
     */
    private byte[] truncate(byte[] bytes, int max, EncodeBuffer buffer) {
        this.truncated.incrementAndGet();
        byte[] target = (bytes == buffer.bytes) ? bytes : buffer.ensureCapacity(max);
        int keep = max - TRUNCATED.length;
        if (keep <= 0) {
            if (target != bytes) {
                System.arraycopy(bytes, 0, target, 0, max);
            }
            buffer.length = max;
            return target;
        }
        // back off to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx)
        while (keep > 0 && (bytes[keep] & 0xC0) == 0x80) {
            keep--;
        }
        if (target != bytes) {
            System.arraycopy(bytes, 0, target, 0, keep);
        }
        System.arraycopy(TRUNCATED, 0, target, keep, TRUNCATED.length);
        buffer.length = keep + TRUNCATED.length;
        return target;
    }

    private static long frameLength(int length) {
        return 8 + ((length + 7) & ~7L);
    }

}
