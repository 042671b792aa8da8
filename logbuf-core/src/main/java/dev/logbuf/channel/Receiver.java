package dev.logbuf.channel;

import dev.logbuf.ReadClaim;
import dev.logbuf.drain.BackoffIdleStrategy;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The receiving side of a {@link RingChannel}: one per channel, for one thread at a time.
 * Each record comes as a {@link ReadClaim} that must be closed before the next one is
 * received.
 */
public final class Receiver implements AutoCloseable {

    private static final int SPINS = 128;

    private static final int YIELDS = 64;

    private final RingChannel channel;

    Receiver(RingChannel channel) {
        this.channel = channel;
    }

    /**
     * The next record, waiting as long as needed.
     * @throws ChannelClosedException when every sender is closed and every record
     * committed before that has been received, or this receiver is closed
     * @throws IllegalStateException while the previous ReadClaim is open
     */
    public ReadClaim recv() {
        return recv(Long.MAX_VALUE);
    }

    /**
     * The next record, waiting at most {@code timeout}.
     * @return the record, or {@code null} on timeout
     * @throws ChannelClosedException as for {@link #recv()}
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public ReadClaim recv(Duration timeout) {
        return recv(Sender.timeoutNanos(timeout));
    }

    /**
     * The next record if one is ready, else {@code null} at once.
     * @throws ChannelClosedException as for {@link #recv()}
     */
    public ReadClaim tryRecv() {
        if (channel.receiverClosed) {
            throw new ChannelClosedException("the receiver is closed");
        }
        ReadClaim record = channel.consumer.tryRead();
        if (record != null) {
            return record;
        }
        // Volatile read: pairs with the senders' CAS in RingChannel.senderClosed(); all
        // their claims and commits happen-before it, so the re-check below sees them.
        if (channel.senders.get() == RingChannel.ALL_CLOSED) {
            record = channel.consumer.tryRead();
            if (record != null) {
                return record;
            }
            // Nothing claimed and unreceived remains: closed. A tail beyond the head
            // means a claim taken before its sender closed is still unresolved: wait.
            if (channel.ring.producerPosition() == channel.ring.consumerPosition()) {
                throw new ChannelClosedException("every sender is closed and every record has been received");
            }
        }
        return null;
    }

    private ReadClaim recv(long timeoutNanos) {
        ReadClaim record = tryRecv();
        if (record != null) {
            return record;
        }
        final long start = System.nanoTime();
        // Spin and yield with the shared backoff; its parking phase is replaced by a park
        // that a commit wakes (PublishSignal).
        BackoffIdleStrategy idle = new BackoffIdleStrategy(SPINS, YIELDS, 1, 1);
        for (;;) {
            long remaining = (timeoutNanos == Long.MAX_VALUE) ? Long.MAX_VALUE
                    : timeoutNanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                return null;
            }
            if (!idle.isParking()) {
                idle.idle();
            }
            else {
                // Register, re-check, park: a commit, abort or sender close after the
                // registration unparks us (PublishSignal), one before it is seen by the
                // re-check.
                this.channel.receiverSignal.prepareToPark();
                try {
                    record = tryRecv();
                    if (record != null) {
                        return record;
                    }
                    if (remaining == Long.MAX_VALUE) {
                        LockSupport.park(this);
                    }
                    else {
                        LockSupport.parkNanos(this, remaining);
                    }
                }
                finally {
                    this.channel.receiverSignal.parked();
                }
            }
            record = tryRecv();
            if (record != null) {
                return record;
            }
        }
    }

    /**
     * Closes the receiver: further sends fail with {@link ChannelClosedException}.
     * Idempotent.
     */
    @Override
    public void close() {
        channel.receiverClosed = true;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return channel.receiverClosed;
    }

}
