package dev.logbuf.spring.boot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.logbuf.kafka.KafkaShipper;
import dev.logbuf.kafka.KafkaShipperBuilder;
import dev.logbuf.kafka.ShipperState;
import dev.logbuf.kafka.ShipperStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Ships one ring's archive to its Kafka topic ({@code logbuf.rings.<name>.kafka.topic})
 * as a {@link SmartLifecycle}: a {@link KafkaShipper} (module {@code logbuf-kafka}) that
 * follows the archive's segment files and sends every record at least once, in order,
 * with a checkpoint of the last acknowledged record (see {@code docs/kafka.md}). A new
 * shipper each time it starts; counters add up over every run.
 *
 * <p>
 * Order: the shipper runs in {@link #PHASE}, just below the drain loops, so it stops
 * after the ring's drain loop has archived the last records and closed the archive, and
 * ships those records before it stops (bounded by {@code kafka.shutdown-timeout}), while
 * the broker is still up. Because a lower phase also starts first, {@link #start()}
 * starts the ring's drain loop itself first: the archive writer is open (its directory
 * exists, its torn tail cut) before the shipper reads it.
 *
 * <p>
 * Health: {@link #isHealthy} is {@code false} when the shipper failed for good (its
 * archive cannot be read), when it is not running while the application is, and when
 * records have waited without any acknowledgement for {@code kafka.outage-timeout} (the
 * broker away, or refusing a record). Lag alone never is: a burst is not a failure.
 */
public final class RingKafkaShipper implements SmartLifecycle {

    /**
     * The shippers' lifecycle phase: one below the drain loops'
     * ({@link RingDrainLifecycle#PHASE}), so a shipper stops after its ring's drain loop.
     */
    public static final int PHASE = RingDrainLifecycle.PHASE - 1;

    private static final Log logger = LogFactory.getLog(RingKafkaShipper.class);

    private final LogbufRing ring;

    private final KafkaSettings settings;

    private final RingArchive archive;

    private final Map<String, Object> producerSettings;

    /**
     * What opens the ring's archive when it starts, looked up at start; {@code null} from
     * it: the ring's drain loop.
     */
    private final Supplier<Lifecycle> archiveLifecycle;

    private final Object lifecycleMonitor = new Object();

    /**
     * The shipper of the current (or last) run and the counts of the runs before it,
     * replaced as one value at each start; the volatile write pairs with the volatile
     * reads of the monitoring methods.
     */
    private volatile Runs runs = new Runs(null, 0, 0);

    /** Written under lifecycleMonitor; volatile for monitoring from any thread. */
    private volatile boolean running;

    /**
     * Makes the shipper of {@code ring} and checks its producer settings.
     * @param ring a ring with an archive and Kafka settings
     * @param producerSettings the Kafka producer settings (Spring Boot's
     * {@code spring.kafka.*} producer properties); the ring's own
     * {@code kafka.properties.*} override them
     * @throws dev.logbuf.kafka.InvalidProducerSettingException when a setting is missing
     * or could lose records
     */
    public RingKafkaShipper(LogbufRing ring, Map<String, ?> producerSettings) {
        this(ring, producerSettings, () -> null);
    }

    /**
     * Makes the shipper of {@code ring} and checks its producer settings.
     * @param ring a ring with an archive and Kafka settings
     * @param producerSettings the Kafka producer settings (Spring Boot's
     * {@code spring.kafka.*} producer properties); the ring's own
     * {@code kafka.properties.*} override them
     * @param archiveLifecycle the lifecycle whose start opens the ring's archive (the
     * logging ring's appender set-up), called at each start; it returns {@code null} for
     * the ring's drain loop
     * @throws dev.logbuf.kafka.InvalidProducerSettingException when a setting is missing
     * or could lose records
     */
    public RingKafkaShipper(LogbufRing ring, Map<String, ?> producerSettings, Supplier<Lifecycle> archiveLifecycle) {
        this.ring = ring;
        this.archiveLifecycle = archiveLifecycle;
        this.settings = ring.settings().kafka();
        if (this.settings == null) {
            throw new IllegalArgumentException("Logbuf ring '" + ring.name() + "' has no kafka.topic");
        }
        this.archive = ring.archive()
            .orElseThrow(() -> new IllegalArgumentException("Logbuf ring '" + ring.name() + "' has no archive"));
        Map<String, Object> merged = new LinkedHashMap<>(producerSettings);
        merged.putAll(this.settings.producerProperties());
        this.producerSettings = Collections.unmodifiableMap(merged);
        // fails now, naming the setting, rather than when the context starts
        builder().build();
        ring.attach(this);
    }

    private KafkaShipperBuilder builder() {
        return KafkaShipper.builder(this.archive.directory(), this.settings.topic())
            .ring(this.ring.name())
            .producerSettings(this.producerSettings)
            .maxInFlight(this.settings.maxInFlight())
            .checkpointInterval(this.settings.checkpointInterval());
    }

    /**
     * Starts the ring's drain loop (or what else writes its archive) when it is not
     * running yet: it opens the archive; then a new shipper.
     * @throws KafkaShipperStartException when the shipper cannot start (a damaged
     * checkpoint, a producer setting Kafka refuses)
     */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            Lifecycle archiveWriter = this.archiveLifecycle.get();
            if (archiveWriter == null) {
                archiveWriter = this.ring.drainLifecycle().orElse(null);
            }
            if (archiveWriter != null && !archiveWriter.isRunning()) {
                archiveWriter.start();
            }
            KafkaShipper shipper = builder().build();
            try {
                shipper.start();
            }
            catch (RuntimeException ex) {
                throw new KafkaShipperStartException(this.ring.name(), this.settings.topic(), ex);
            }
            this.runs = this.runs.next(shipper);
            this.running = true;
            ShipperStatus status = shipper.status();
            logger.info("Logbuf ring '" + this.ring.name() + "' ships its archive "
                    + this.archive.directory().toAbsolutePath() + " to Kafka topic '" + this.settings.topic() + "' at "
                    + this.producerSettings.get("bootstrap.servers") + ", "
                    + ((status.checkpointSequence() < 0) ? "from its oldest record"
                            : "after record " + status.checkpointSequence())
                    + " (checkpoint " + shipper.checkpoint().file() + ")");
        }
    }

    /**
     * Ships what the archive holds (the drain loop has stopped), waits for the
     * acknowledgements, saves the checkpoint and stops; bounded by
     * {@code kafka.shutdown-timeout}. What is not acknowledged by then is shipped by the
     * next start.
     */
    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return;
            }
            KafkaShipper shipper = this.runs.shipper;
            boolean shipped = shipper.stopWhenShipped(this.settings.shutdownTimeout());
            this.running = false;
            ShipperStatus status = shipper.status();
            if (shipped) {
                logger.info("Logbuf ring '" + this.ring.name() + "': shipping to Kafka topic '" + this.settings.topic()
                        + "' stopped with every archived record acknowledged (up to record "
                        + status.acknowledgedSequence() + ")");
            }
            else {
                logger.warn("Logbuf ring '" + this.ring.name() + "': shipping to Kafka topic '" + this.settings.topic()
                        + "' stopped with " + status.lag() + " archived records not acknowledged within "
                        + this.settings.shutdownTimeout() + " (acknowledged up to record "
                        + status.acknowledgedSequence() + " of " + status.writtenSequence()
                        + "); the next start ships them from the checkpoint (record " + status.checkpointSequence()
                        + ")"
                        + ((status.lastError() != null) ? ". Last error: " + status.lastError().getMessage() : ""));
            }
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * The ring whose archive this ships.
     * @return the ring
     */
    public LogbufRing ring() {
        return this.ring;
    }

    /**
     * The ring's Kafka settings.
     * @return the settings
     */
    public KafkaSettings settings() {
        return this.settings;
    }

    /**
     * The topic.
     * @return the topic
     */
    public String topic() {
        return this.settings.topic();
    }

    /**
     * The producer settings the shippers are built with (Spring Boot's with the ring's
     * {@code kafka.properties.*} over them, before the shipper completes them).
     * @return the settings, unmodifiable
     */
    public Map<String, Object> producerSettings() {
        return this.producerSettings;
    }

    /**
     * The status of the current (or last) shipper; empty before the first start.
     * @return the status
     */
    public Optional<ShipperStatus> status() {
        KafkaShipper shipper = this.runs.shipper;
        return (shipper != null) ? Optional.of(shipper.status()) : Optional.empty();
    }

    /**
     * Records the broker acknowledged, over every run (a record sent again counts again).
     * @return the count
     */
    public long recordsSent() {
        Runs runs = this.runs;
        return runs.recordsSent + ((runs.shipper != null) ? runs.shipper.status().recordsSent() : 0);
    }

    /**
     * Sends that failed, over every run.
     * @return the count
     */
    public long sendErrors() {
        Runs runs = this.runs;
        return runs.sendErrors + ((runs.shipper != null) ? runs.shipper.status().sendErrors() : 0);
    }

    /**
     * Records the archive holds that the broker has not acknowledged; 0 before the first
     * start. Counted from the archive writer's own last record, which the shipper reads
     * from {@code archive.head} only when it reads the archive (not while it waits to
     * retry).
     * @return the lag in records
     */
    public long lag() {
        KafkaShipper shipper = this.runs.shipper;
        return (shipper != null) ? lag(shipper.status()) : 0;
    }

    private long lag(ShipperStatus status) {
        long written = Math.max(status.writtenSequence(), this.archive.writtenSequence().orElse(-1L));
        return Math.max(0, written - status.acknowledgedSequence());
    }

    /**
     * The last record the archive writer finished, as the writer or the shipper knows it
     * (the later of the two); -1 when none.
     * @return the sequence
     */
    public long writtenSequence() {
        KafkaShipper shipper = this.runs.shipper;
        long written = this.archive.writtenSequence().orElse(-1L);
        return (shipper != null) ? Math.max(written, shipper.status().writtenSequence()) : written;
    }

    /**
     * Whether shipping is healthy: running while the application is, not failed for good,
     * and no record waiting without acknowledgement for {@code kafka.outage-timeout}.
     * @param applicationRunning whether the application context is running
     * @return whether it is healthy
     */
    public boolean isHealthy(boolean applicationRunning) {
        KafkaShipper shipper = this.runs.shipper;
        if (!this.running || shipper == null) {
            return !applicationRunning;
        }
        ShipperStatus status = shipper.status();
        return status.state() != ShipperState.FAILED && status.outageNanos() < this.settings.outageTimeout().toNanos();
    }

    /**
     * What health shows: {@code topic}, {@code state}, {@code lag},
     * {@code acknowledgedSequence}, {@code checkpointSequence}, {@code segmentsHeld}, and
     * while they apply {@code outageMs} and {@code lastError}.
     * @return the details, in order
     */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", this.settings.topic());
        Optional<ShipperStatus> current = status();
        details.put("state", current.map((status) -> status.state().name().toLowerCase(Locale.ROOT)).orElse("new"));
        current.ifPresent((status) -> {
            details.put("lag", lag(status));
            details.put("acknowledgedSequence", status.acknowledgedSequence());
            details.put("checkpointSequence", status.checkpointSequence());
            if (status.outageNanos() > 0) {
                details.put("outageMs", TimeUnit.NANOSECONDS.toMillis(status.outageNanos()));
            }
            if (status.lastError() != null) {
                details.put("lastError", status.lastError().getMessage());
            }
        });
        details.put("segmentsHeld", this.archive.segmentsHeld());
        return details;
    }

    @Override
    public String toString() {
        return "RingKafkaShipper[" + this.ring.name() + " -> " + this.settings.topic() + "]";
    }

    /** The current shipper and the totals of the runs before it. */
    private record Runs(KafkaShipper shipper, long recordsSent, long sendErrors) {

        Runs next(KafkaShipper next) {
            if (this.shipper == null) {
                return new Runs(next, 0, 0);
            }
            ShipperStatus last = this.shipper.status();
            return new Runs(next, this.recordsSent + last.recordsSent(), this.sendErrors + last.sendErrors());
        }

    }

}
