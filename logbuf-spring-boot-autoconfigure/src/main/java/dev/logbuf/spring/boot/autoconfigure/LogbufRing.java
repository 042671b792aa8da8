package dev.logbuf.spring.boot.autoconfigure;

import java.util.Optional;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;

/**
 * One configured ring with everything the starter keeps about it: its
 * {@link RingSettings}, the {@link RingBuffer}, the {@link Producer} bean, the drain loop
 * (when enabled) and the counters that health, meters and the {@code logbuf} endpoint
 * read. Every monitoring method may be called from any thread and never slows the
 * producers or the drain loop.
 */
public final class LogbufRing {

    private final RingSettings settings;

    private final RingBuffer ring;

    private final RejectionCountingProducer producer;

    /**
     * The built-in archive, {@code null} when the ring feeds a handler bean or has no
     * drain loop.
     */
    private final RingArchive archive;

    /** Guarded by {@code this}: {@link RingBuffer#consumer()} may be called once only. */
    private Consumer consumer;

    /**
     * Set once, when the drain lifecycle bean is made; the volatile write there pairs
     * with the volatile reads of the monitoring methods.
     */
    private volatile RingDrainLifecycle drain;

    LogbufRing(RingSettings settings, RingArchive archive) {
        this.settings = settings;
        this.archive = archive;
        this.ring = (settings.type() == RingBuffer.Type.SPSC) ? RingBuffer.spsc(settings.capacity())
                : RingBuffer.mpsc(settings.capacity());
        this.producer = new RejectionCountingProducer(this.ring.producer());
    }

    public String name() {
        return this.settings.name();
    }

    public RingSettings settings() {
        return this.settings;
    }

    public RingBuffer.Type type() {
        return this.ring.type();
    }

    /** The ring itself (also the {@code @Qualifier("<name>") RingBuffer} bean). */
    public RingBuffer ringBuffer() {
        return this.ring;
    }

    /**
     * The {@code @Qualifier("<name>") Producer} bean: the ring's producer, counting the
     * claims and offers that find the ring full. For an SPSC ring it must be used by one
     * thread at a time.
     */
    public Producer producer() {
        return this.producer;
    }

    /**
     * The ring's one consumer, made on first call. The drain loop takes it when the drain
     * is enabled; otherwise it is the {@code @Qualifier("<name>") Consumer} bean.
     */
    public synchronized Consumer consumer() {
        if (this.consumer == null) {
            this.consumer = this.ring.consumer();
        }
        return this.consumer;
    }

    public int capacity() {
        return this.ring.capacity();
    }

    public int maxRecordLength() {
        return this.ring.maxRecordLength();
    }

    public long producerPosition() {
        return this.ring.producerPosition();
    }

    public long consumerPosition() {
        return this.ring.consumerPosition();
    }

    /**
     * Bytes between the consumer and the producer position: committed records not yet
     * drained plus claims in progress, headers and padding included.
     */
    public long usedBytes() {
        // consumer first: the producer position only grows, so one read after it is
        // never behind it and the difference is never negative
        long consumerPosition = this.ring.consumerPosition();
        long producerPosition = this.ring.producerPosition();
        return Math.max(0, producerPosition - consumerPosition);
    }

    /** Claims and offers through the Producer bean that found the ring full. */
    public long claimsRejected() {
        return this.producer.rejectedCount();
    }

    /**
     * Records handed to the handler (or the archive) by the drain loop (0 when the drain
     * is disabled).
     */
    public long recordsConsumed() {
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.recordsDrained() : 0;
    }

    /** Handler calls, or archive writes, that threw (0 when the drain is disabled). */
    public long drainErrors() {
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.handlerErrors() : 0;
    }

    public boolean drainEnabled() {
        return this.settings.drainEnabled();
    }

    /** Whether the drain loop is started and its thread is alive. */
    public boolean drainRunning() {
        RingDrainLifecycle drain = this.drain;
        return drain != null && drain.isDrainThreadAlive();
    }

    /** Whether the drain lifecycle is started (it may have been stopped on purpose). */
    boolean drainStarted() {
        RingDrainLifecycle drain = this.drain;
        return drain != null && drain.isRunning();
    }

    /**
     * The ring's built-in archive ({@code archive.directory}); empty when it feeds a
     * handler bean.
     */
    public Optional<RingArchive> archive() {
        return Optional.ofNullable(this.archive);
    }

    /** The record at the head when it is claimed but not committed, however briefly. */
    public Optional<BlockedClaim> blockedClaim() {
        return this.ring.blockedClaim();
    }

    /**
     * The record at the head when it has stayed claimed for at least
     * {@code stall-timeout}.
     */
    public Optional<BlockedClaim> stalledClaim() {
        long stallTimeoutNanos = this.settings.stallTimeout().toNanos();
        return this.ring.blockedClaim().filter((claim) -> claim.blockedForNanos() >= stallTimeoutNanos);
    }

    void attach(RingDrainLifecycle drain) {
        this.drain = drain;
    }

    RejectionCountingProducer countingProducer() {
        return this.producer;
    }

    @Override
    public String toString() {
        return "LogbufRing[" + name() + ", " + type() + ", " + capacity() + " bytes]";
    }

}
