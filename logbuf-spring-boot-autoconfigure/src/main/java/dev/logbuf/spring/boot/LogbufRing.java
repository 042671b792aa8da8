package dev.logbuf.spring.boot;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;

/**
 * One configured ring with everything the starter keeps about it: its
 * {@link RingSettings}, the {@link RingBuffer}, the {@link Producer} bean, the drain loop
 * (when enabled), the archive (when configured) and the counters that health, meters and
 * the {@code logbuf} endpoint read. Every monitoring method may be called from any thread
 * and never slows the producers or the drain loop.
 */
public final class LogbufRing implements AutoCloseable {

    private final RingSettings settings;

    private final RingBuffer ring;

    private final RingProducer producer;

    private final RingDrainListener drainListener;

    /**
     * The built-in archive, {@code null} when the ring feeds a handler bean or has no
     * drain loop.
     */
    private final RingArchive archive;

    private final LogbufNanoClock clock;

    /** Guarded by {@code this}: {@link RingBuffer#consumer()} may be called once only. */
    private Consumer consumer;

    /**
     * Set once, when the drain lifecycle bean is made; the volatile write there pairs
     * with the volatile reads of the monitoring methods.
     */
    private volatile RingDrainLifecycle drain;

    /**
     * Makes the ring.
     * @param settings the ring's checked settings
     * @param clock the clock of its stall watch and drain loop
     * @param archiveWriterCustomizers the customizers of its archive, looked up each time
     * it opens
     */
    public LogbufRing(RingSettings settings, LogbufNanoClock clock,
            Supplier<List<ArchiveWriterCustomizer>> archiveWriterCustomizers) {
        this.settings = settings;
        this.clock = clock;
        this.drainListener = new RingDrainListener(settings.name(), settings.target(), clock);
        this.ring = RingBuffer.builder(settings.type())
            .capacity(settings.capacity())
            .nanoClock(clock::nanoTime)
            .build();
        this.producer = new RingProducer(settings.name(), settings.type(), this.ring.producer());
        this.archive = (settings.archive() != null)
                ? new RingArchive(settings.name(), settings.archive(), archiveWriterCustomizers, this.drainListener)
                : null;
    }

    /**
     * The ring's name.
     * @return the name
     */
    public String name() {
        return this.settings.name();
    }

    /**
     * The ring's checked settings.
     * @return the settings
     */
    public RingSettings settings() {
        return this.settings;
    }

    /**
     * SPSC or MPSC.
     * @return the type
     */
    public RingBuffer.Type type() {
        return this.ring.type();
    }

    /**
     * The ring itself (also the {@code @Qualifier("<name>") RingBuffer} bean).
     * @return the ring
     */
    public RingBuffer ringBuffer() {
        return this.ring;
    }

    /**
     * The {@code @Qualifier("<name>") Producer} bean: the ring's producer, counting the
     * claims and offers that find the ring full.
     * @return the producer bean
     */
    public RingProducer producer() {
        return this.producer;
    }

    /**
     * The ring's one consumer, made on first call. The drain loop takes it when the drain
     * is enabled; otherwise it is the {@code @Qualifier("<name>") Consumer} bean.
     * @return the consumer
     */
    public synchronized Consumer consumer() {
        if (this.consumer == null) {
            this.consumer = this.ring.consumer();
        }
        return this.consumer;
    }

    /**
     * Data capacity in bytes, a power of two.
     * @return the capacity
     */
    public int capacity() {
        return this.ring.capacity();
    }

    /**
     * The largest payload of one record.
     * @return the length
     */
    public int maxRecordLength() {
        return this.ring.maxRecordLength();
    }

    /**
     * The end of the last claimed record.
     * @return the position
     */
    public long producerPosition() {
        return this.ring.producerPosition();
    }

    /**
     * The end of the last released record.
     * @return the position
     */
    public long consumerPosition() {
        return this.ring.consumerPosition();
    }

    /**
     * Bytes between the consumer and the producer position: committed records not yet
     * drained plus claims in progress, headers and padding included.
     * @return the bytes
     */
    public long usedBytes() {
        // consumer first: the producer position only grows, so one read after it is
        // never behind it and the difference is never negative
        long consumerPosition = this.ring.consumerPosition();
        long producerPosition = this.ring.producerPosition();
        return Math.max(0, producerPosition - consumerPosition);
    }

    /**
     * Claims and offers through the Producer bean that found the ring full.
     * @return the count
     */
    public long claimsRejected() {
        return this.producer.rejectedCount();
    }

    /**
     * Records handed to the handler (or the archive) by the drain loop, 0 without one.
     * @return the count
     */
    public long recordsConsumed() {
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.recordsConsumed() : 0;
    }

    /**
     * Drain calls that failed: handler calls that threw, archive writes that failed; 0
     * without a drain loop.
     * @return the count
     */
    public long drainErrors() {
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.drainErrors() : 0;
    }

    /**
     * Claims of terminated threads the drain loop unblocked, 0 without one.
     * @return the count
     */
    public long claimsUnblocked() {
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.claimsUnblocked() : 0;
    }

    /**
     * Whether the ring has a drain loop.
     * @return whether the drain is enabled
     */
    public boolean drainEnabled() {
        return this.settings.drainEnabled();
    }

    /**
     * Whether the drain loop is started and its thread is alive.
     * @return whether it runs
     */
    public boolean drainRunning() {
        RingDrainLifecycle drain = this.drain;
        return drain != null && drain.isDrainThreadAlive();
    }

    /**
     * The ring's built-in archive ({@code archive.directory}); empty when it feeds a
     * handler bean.
     * @return the archive
     */
    public Optional<RingArchive> archive() {
        return Optional.ofNullable(this.archive);
    }

    /**
     * The record at the head when it is claimed but not committed, however briefly.
     * @return the claim
     */
    public Optional<BlockedClaim> blockedClaim() {
        return this.ring.blockedClaim();
    }

    /**
     * The record at the head when it has stayed claimed for at least
     * {@code stall-timeout}.
     * @return the claim
     */
    public Optional<BlockedClaim> stalledClaim() {
        long stallTimeoutNanos = this.settings.stallTimeout().toNanos();
        return this.ring.blockedClaim().filter((claim) -> claim.blockedForNanos() >= stallTimeoutNanos);
    }

    /**
     * Closes the ring (a file-backed ring releases its file); called when the application
     * context closes, after the drain loop has stopped.
     */
    @Override
    public void close() {
        this.ring.close();
    }

    void attach(RingDrainLifecycle drain) {
        this.drain = drain;
    }

    RingDrainListener drainListener() {
        return this.drainListener;
    }

    LogbufNanoClock clock() {
        return this.clock;
    }

    @Override
    public String toString() {
        return "LogbufRing[" + name() + ", " + type() + ", " + capacity() + " bytes]";
    }

}
