package dev.logbuf.kafka;

import dev.logbuf.archive.ArchiveCheckpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Settings of a {@link KafkaShipper}; every setter checks its argument and throws
 * {@link IllegalArgumentException} naming the bad value.
 */
public final class KafkaShipperBuilder {

    final Path directory;

    final String topic;

    String ring;

    Map<String, ?> producerSettings = Map.of();

    Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory = settings -> new KafkaProducer<>(settings,
            new ByteArraySerializer(), new ByteArraySerializer());

    String checkpointName;

    int maxInFlight = 10_000;

    Duration checkpointInterval = Duration.ofMillis(200);

    Duration pollInterval = Duration.ofMillis(10);

    Duration minRetry = Duration.ofMillis(100);

    Duration maxRetry = Duration.ofSeconds(10);

    ThreadFactory threadFactory = Thread::new;

    KafkaShipperBuilder(Path directory, String topic) {
        this.directory = Objects.requireNonNull(directory, "archive directory");
        Objects.requireNonNull(topic, "topic");
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("topic \"" + topic + "\" is not a valid Kafka topic name (1 to"
                    + " 249 letters, digits, '.', '_' or '-')");
        }
        this.topic = topic;
    }

    /**
     * The ring's name: the key of every record (one ring, one partition) and its
     * {@link ShipperHeaders#RING} header. Default: the archive directory's name.
     */
    public KafkaShipperBuilder ring(String name) {
        Objects.requireNonNull(name, "ring name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("ring name must not be blank");
        }
        this.ring = name;
        return this;
    }

    /**
     * Kafka producer settings ({@code bootstrap.servers} at least). {@code acks},
     * {@code enable.idempotence} and {@code max.in.flight.requests.per.connection}
     * default to {@code all}, {@code true} and {@code 5}; values that could lose or
     * reorder records are refused. Serializers are the shipper's (bytes).
     */
    public KafkaShipperBuilder producerSettings(Map<String, ?> settings) {
        this.producerSettings = Map.copyOf(Objects.requireNonNull(settings, "producer settings"));
        return this;
    }

    /**
     * Creates the producer from the settings (at start and after each failed send);
     * default: a {@link KafkaProducer} with byte array serializers.
     */
    public KafkaShipperBuilder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
        this.producerFactory = Objects.requireNonNull(factory, "producer factory");
        return this;
    }

    /**
     * The checkpoint's name in the archive directory; default {@code kafka-<topic>}.
     */
    public KafkaShipperBuilder checkpointName(String name) {
        ArchiveCheckpoint.of(directory, name); // checks it
        this.checkpointName = name;
        return this;
    }

    /**
     * Most records sent and not yet acknowledged (default 10,000): bounds the records
     * sent again after a failure, and the producer's memory.
     */
    public KafkaShipperBuilder maxInFlight(int records) {
        if (records < 1) {
            throw new IllegalArgumentException("max in flight " + records + " must be at least 1 record");
        }
        this.maxInFlight = records;
        return this;
    }

    /**
     * Shortest time between two checkpoint saves while records fly (default 200 ms); the
     * checkpoint is saved at once when nothing flies. A restart sends again what was
     * acknowledged since the last save.
     */
    public KafkaShipperBuilder checkpointInterval(Duration interval) {
        this.checkpointInterval = positiveOrZero(interval, "checkpoint interval");
        return this;
    }

    /** How long the thread parks when the archive has nothing new (default 10 ms). */
    public KafkaShipperBuilder pollInterval(Duration interval) {
        Objects.requireNonNull(interval, "poll interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval " + interval + " must be positive");
        }
        this.pollInterval = interval;
        return this;
    }

    /**
     * Pause before sending again after a failure: from {@code min}, doubling up to
     * {@code max} while failures go on (default 100 ms to 10 s).
     */
    public KafkaShipperBuilder retryBackoff(Duration min, Duration max) {
        positiveOrZero(min, "min retry backoff");
        positiveOrZero(max, "max retry backoff");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max retry backoff " + max + " is below the min " + min);
        }
        this.minRetry = min;
        this.maxRetry = max;
        return this;
    }

    /** Creates the shipping thread (named {@code logbuf-kafka-<ring>}). */
    public KafkaShipperBuilder threadFactory(ThreadFactory factory) {
        this.threadFactory = Objects.requireNonNull(factory, "thread factory");
        return this;
    }

    /**
     * @throws IllegalArgumentException naming a producer setting that is missing or could
     * lose records
     */
    public KafkaShipper build() {
        return new KafkaShipper(this);
    }

    private static Duration positiveOrZero(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " " + value + " must not be negative");
        }
        return value;
    }

}
