package dev.logbuf.channel;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.internal.PublishSignal;
import dev.logbuf.internal.RingAccess;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking channel over a logbuf ring, with disconnect detection: senders wait while
 * the ring is full, the receiver waits while it is empty, and each side learns when the
 * other is gone.
 *
 * <pre>{@code
 * RingChannel channel = RingChannel.mpsc(64 * 1024);
 * Sender sender = channel.sender();               // one per producing thread or shared
 * try (WriteClaim claim = sender.send(8)) { claim.putLong(0, 42).commit(); }
 * sender.close();
 *
 * Receiver receiver = channel.receiver();
 * try (ReadClaim record = receiver.recv()) { ... }   // ChannelClosedException once all
 * }</pre> // senders closed and all records read
 *
 * <p>
 * Lifecycle: the receiver waits (it does not report closed) while no sender was ever
 * created; it reports closed only when every sender handle is closed <em>and</em> every
 * record committed before that has been received, including records whose claims were
 * taken before their sender closed and resolved after. {@link #sender()} after every
 * handle was closed, and any send after the receiver closed, throw
 * {@link ChannelClosedException}.
 *
 * <p>
 * Waiting: the receiver spins, yields, then parks until a commit, an abort or a sender's
 * close wakes it (no polling interval). A sender waiting for room spins, yields, then
 * parks in growing steps of at most 1 ms, re-checking for room and for a closed receiver
 * after each.
 */
public final class RingChannel {

    /** Value of {@link #senders} once every handle has been closed. */
    static final int ALL_CLOSED = -1;

    final RingBuffer ring;

    final Producer producer;

    final Consumer consumer;

    final PublishSignal receiverSignal;

    /**
     * 0: no sender yet; n > 0: n open handles; ALL_CLOSED: every handle closed
     * (terminal).
     */
    final AtomicInteger senders = new AtomicInteger();

    private final AtomicBoolean receiverTaken = new AtomicBoolean();

    private final AtomicBoolean spscSenderTaken = new AtomicBoolean();

    volatile boolean receiverClosed;

    private RingChannel(RingBuffer.Type type, int capacity) {
        this.receiverSignal = new PublishSignal();
        this.ring = RingAccess.signallingRing(type, capacity, receiverSignal);
        this.producer = ring.producer();
        this.consumer = ring.consumer();
    }

    /**
     * A channel with one sender over an SPSC ring of at least {@code capacity} bytes.
     * @throws IllegalArgumentException if {@code capacity} is below 16 or above 1 GiB
     */
    public static RingChannel spsc(int capacity) {
        return new RingChannel(RingBuffer.Type.SPSC, capacity);
    }

    /**
     * A channel with any number of senders over an MPSC ring of at least {@code capacity}
     * bytes.
     * @throws IllegalArgumentException if {@code capacity} is below 16 or above 1 GiB
     */
    public static RingChannel mpsc(int capacity) {
        return new RingChannel(RingBuffer.Type.MPSC, capacity);
    }

    /**
     * A sender handle. SPSC: once. MPSC: a new, thread-safe handle per call; the receiver
     * sees the channel closed once every handle is closed.
     * @throws ChannelClosedException if every handle was already closed, or the receiver
     * is closed
     * @throws IllegalStateException on a second call for an SPSC channel whose sender is
     * still open
     */
    public Sender sender() {
        if (receiverClosed) {
            throw new ChannelClosedException("the receiver is closed");
        }
        if (ring.type() == RingBuffer.Type.SPSC && !spscSenderTaken.compareAndSet(false, true)) {
            if (senders.get() == ALL_CLOSED) {
                throw new ChannelClosedException("the channel's only sender was closed");
            }
            throw new IllegalStateException("this SPSC channel's sender was already taken; it has only one");
        }
        for (;;) {
            int open = senders.get();
            if (open == ALL_CLOSED) {
                throw new ChannelClosedException("every sender of this channel was closed");
            }
            // Volatile CAS: pairs with Sender.close()'s CAS and the receiver's read of
            // senders.
            if (senders.compareAndSet(open, open + 1)) {
                return new Sender(this);
            }
        }
    }

    /**
     * The receiver.
     * @throws IllegalStateException on a second call
     */
    public Receiver receiver() {
        if (!receiverTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("this channel's receiver was already taken; it has only one");
        }
        return new Receiver(this);
    }

    /** Data capacity of the underlying ring in bytes. */
    public int capacity() {
        return ring.capacity();
    }

    /** Largest payload one send may request. */
    public int maxRecordLength() {
        return ring.maxRecordLength();
    }

    /** Called by a sender handle that has just been closed. */
    void senderClosed() {
        for (;;) {
            int open = senders.get();
            int next = open == 1 ? ALL_CLOSED : open - 1;
            // Volatile CAS: everything the sender did before closing (its claims, i.e.
            // tail updates, and commits) happens-before a receiver that reads ALL_CLOSED.
            if (senders.compareAndSet(open, next)) {
                break;
            }
        }
        receiverSignal.signal();
    }

}
