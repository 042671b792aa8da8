package dev.logbuf.channel;

import dev.logbuf.WriteClaim;
import dev.logbuf.drain.BackoffIdleStrategy;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sending side of a {@link RingChannel}. The claims it returns are ordinary
 * {@link WriteClaim}s: fill them, then commit or abort (try-with-resources aborts on
 * exception). A claim taken before its sender closed may still be committed or aborted
 * afterwards, and the receiver waits for it.
 *
 * <p>
 * An SPSC channel's sender is for one thread at a time; an MPSC channel's senders are
 * thread-safe.
 */
public final class Sender implements AutoCloseable {

    private static final int SPINS = 64;

    private static final int YIELDS = 64;

    private static final long MIN_PARK_NANOS = 1_000L;

    private static final long MAX_PARK_NANOS = 1_000_000L;

    private final RingChannel channel;

    private final AtomicBoolean closed = new AtomicBoolean();

    Sender(RingChannel channel) {
        this.channel = channel;
    }

    /**
     * A claim of {@code length} bytes, waiting as long as the ring is full.
     * @throws ChannelClosedException once this handle or the receiver is closed
     * @throws IllegalArgumentException if {@code length} is outside
     * {@code 1..maxRecordLength()}
     */
    public WriteClaim send(int length) {
        return send(length, Long.MAX_VALUE);
    }

    /**
     * A claim of {@code length} bytes, waiting at most {@code timeout} for room.
     * @return the claim, or {@code null} on timeout
     * @throws ChannelClosedException once this handle or the receiver is closed
     * @throws IllegalArgumentException if {@code length} is out of range or
     * {@code timeout} is negative
     */
    public WriteClaim send(int length, Duration timeout) {
        return send(length, timeoutNanos(timeout));
    }

    /**
     * A claim of {@code length} bytes, or {@code null} at once when the ring is full.
     * @throws ChannelClosedException once this handle or the receiver is closed
     */
    public WriteClaim trySend(int length) {
        checkOpen();
        WriteClaim claim = channel.producer.tryClaim(length);
        if (claim == null) {
            return null;
        }
        // StoreLoad: the claim's tail update is ordered before the closed re-check.
        // Pairs with close(): either close() ran first and we see it here (and give
        // the claim back), or the receiver, after seeing every sender closed, sees
        // our tail and waits for this claim.
        VarHandle.fullFence();
        if (isClosed()) {
            claim.abort();
            throw closedException();
        }
        return claim;
    }

    private WriteClaim send(int length, long timeoutNanos) {
        WriteClaim claim = trySend(length);
        if (claim != null) {
            return claim;
        }
        // The ring is full: back off until there is room (the idle state is allocated
        // only here, off the path that finds room at once).
        final long start = System.nanoTime();
        BackoffIdleStrategy idle = new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS);
        for (;;) {
            long remaining = (timeoutNanos == Long.MAX_VALUE) ? Long.MAX_VALUE
                    : timeoutNanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                return null;
            }
            idle.idleAtMost(remaining);
            claim = trySend(length);
            if (claim != null) {
                return claim;
            }
        }
    }

    /**
     * Closes this handle; the receiver sees the channel closed once every handle is.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            channel.senderClosed();
        }
    }

    /** True once this handle or the receiver is closed. */
    public boolean isClosed() {
        return closed.get() || channel.receiverClosed;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw closedException();
        }
    }

    private ChannelClosedException closedException() {
        return new ChannelClosedException(closed.get() ? "this sender is closed" : "the receiver is closed");
    }

    static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        try {
            return timeout.toNanos();
        }
        catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

}
