package dev.logbuf.spring.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One configured ring with everything the starter keeps about it: its
 * {@link RingSettings}, the {@link RingBuffer}, the {@link Producer} bean, the drain loop
 * (when enabled), the archive (when configured) and the counters that health, meters and
 * the {@code logbuf} endpoint read. Every monitoring method may be called from any thread
 * and never slows the producers or the drain loop.
 *
 * <p>
 * It is above 400 lines because it is the one place health, meters and the endpoint read
 * a ring from: many short accessors, each with the meaning of what it returns.
 */
public final class LogbufRing implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(LogbufRing.class);

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

    /** A drain outside the starter, set once; volatile: monitors read it. */
    private volatile ExternalDrain externalDrain;

    /**
     * The ring's Kafka shipper, set when its bean is made (again by each context that
     * makes one for the logging ring, which outlives contexts); volatile: monitors read
     * it.
     */
    private volatile RingKafkaShipper kafka;

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
        this.ring = build(settings, clock);
        this.producer = new RingProducer(settings.name(), settings.type(), this.ring.producer());
        this.archive = (settings.archive() != null) ? new RingArchive(settings.name(), settings.archive(),
                archiveWriterCustomizers, this.drainListener, this.ring::producerPosition) : null;
    }

    private static RingBuffer build(RingSettings settings, LogbufNanoClock clock) {
        RingBuffer.Builder builder = RingBuffer.builder(settings.type())
            .capacity(settings.capacity())
            .nanoClock(clock::nanoTime);
        Path file = settings.file();
        if (file == null) {
            return builder.build();
        }
        RingBuffer ring;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ring = builder.file(file).build();
        }
        catch (IOException ex) {
            throw new RingFileException(settings.name(), file,
                    new UncheckedIOException("cannot create the directory of ring file " + file + ": " + ex, ex));
        }
        catch (IllegalArgumentException | IllegalStateException | UncheckedIOException ex) {
            throw new RingFileException(settings.name(), file, ex);
        }
        RingBuffer.Recovery recovery = ring.recovery();
        if (recovery.records() > 0 || recovery.claimsDropped() > 0) {
            logger.warn("Logbuf ring '" + settings.name() + "' reopened " + file.toAbsolutePath() + ": "
                    + recovery.records() + " records (" + recovery.bytes()
                    + " payload bytes) accepted before the application last stopped were not yet drained; they"
                    + " are drained first" + ((recovery.claimsDropped() > 0) ? ". " + recovery.claimsDropped()
                            + " claims open when it stopped were dropped (never committed)" : ""));
        }
        else {
            logger.info("Logbuf ring '" + settings.name() + "' lives in " + file.toAbsolutePath());
        }
        return ring;
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
        ExternalDrain external = this.externalDrain;
        if (external != null) {
            return external.recordsDrained();
        }
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.recordsConsumed() : 0;
    }

    /**
     * Drain calls that failed: handler calls that threw, archive writes that failed; 0
     * without a drain loop.
     * @return the count
     */
    public long drainErrors() {
        ExternalDrain external = this.externalDrain;
        if (external != null) {
            return external.failures();
        }
        RingDrainLifecycle drain = this.drain;
        return (drain != null) ? drain.drainErrors() : 0;
    }

    /**
     * Claims of terminated threads the drain loop unblocked, 0 without one.
     * @return the count
     */
    public long claimsUnblocked() {
        ExternalDrain external = this.externalDrain;
        if (external != null) {
            return external.claimsUnblocked();
        }
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
        ExternalDrain external = this.externalDrain;
        if (external != null) {
            return external.isRunning();
        }
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
     * The shipper of the ring's archive to Kafka ({@code kafka.topic}); empty when the
     * ring has none.
     * @return the shipper
     */
    public Optional<RingKafkaShipper> kafka() {
        return Optional.ofNullable(this.kafka);
    }

    /**
     * The record at the head when it is claimed but not committed, however briefly.
     * @return the claim
     */
    public Optional<BlockedClaim> blockedClaim() {
        return this.ring.blockedClaim();
    }

    /**
     * The record at the head when the ring is stalled on it: it has stayed claimed for at
     * least {@code stall-timeout}, or its claiming thread has ended (nothing will commit
     * it; the drain loop unblocks it once it has blocked the ring for
     * {@code stall-timeout}).
     * @return the claim
     */
    public Optional<BlockedClaim> stalledClaim() {
        return this.ring.blockedClaim().filter(this::isStalled);
    }

    /**
     * Whether {@code claim} stalls this ring: blocked for at least {@code stall-timeout},
     * or held by a thread that has ended.
     * @param claim a blocked claim of this ring
     * @return whether the ring is stalled on it
     */
    public boolean isStalled(BlockedClaim claim) {
        return claim.blockedForNanos() >= this.settings.stallTimeout().toNanos() || !claim.claimantAlive();
    }

    /**
     * The file the ring lives in; empty for a ring in memory.
     * @return the file
     */
    public Optional<Path> file() {
        return this.ring.file();
    }

    /**
     * What reopening the ring's file found at start: the records it delivers first and
     * the claims it dropped; all zero for a new file and a ring in memory.
     * @return the recovery
     */
    public RingBuffer.Recovery recovery() {
        return this.ring.recovery();
    }

    /**
     * Closes the ring (a file-backed ring releases its file); called when the application
     * context closes, after the drain loop has stopped. A ring with an external drain
     * ({@link #adoptDrain}) is left open: that drain outlives the context.
     */
    @Override
    public void close() {
        if (this.externalDrain == null) {
            this.ring.close();
        }
    }

    /** Closes the ring whatever drains it: for the owner of its external drain. */
    public void closeRing() {
        this.ring.close();
    }

    /**
     * Hands the ring to a drain outside the starter's lifecycle (the logging appender's):
     * monitoring reads it, and {@link #close()} leaves the ring open.
     * @param drain the drain
     */
    public void adoptDrain(ExternalDrain drain) {
        if (this.drain != null || this.externalDrain != null) {
            throw new IllegalStateException("Logbuf ring '" + name() + "' has a drain already");
        }
        this.externalDrain = drain;
    }

    /**
     * Opens the ring's archive as the sink of its external drain, which closes it.
     * @return the archive's sink
     */
    public RecordSink openArchive() {
        return archive().orElseThrow(() -> new IllegalStateException("Logbuf ring '" + name() + "' has no archive"))
            .open();
    }

    /**
     * The drain outside the starter that drains this ring, if any.
     * @return the drain
     */
    public Optional<ExternalDrain> externalDrain() {
        return Optional.ofNullable(this.externalDrain);
    }

    void attach(RingDrainLifecycle drain) {
        this.drain = drain;
    }

    void attach(RingKafkaShipper kafka) {
        this.kafka = kafka;
    }

    Optional<RingDrainLifecycle> drainLifecycle() {
        return Optional.ofNullable(this.drain);
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
