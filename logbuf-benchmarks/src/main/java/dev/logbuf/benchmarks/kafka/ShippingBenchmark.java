package dev.logbuf.benchmarks.kafka;

import dev.logbuf.archive.ArchiveRecord;
import dev.logbuf.archive.ArchiveCursor;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.kafka.KafkaShipper;
import dev.logbuf.kafka.ShipperHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Shipping an archive to Kafka with {@code acks=all} against a plain
 * {@link KafkaProducer} sending the same records (same key, headers and payloads, held in
 * memory) with the same settings to the same broker. One invocation sends
 * {@value #RECORDS} records of about 100 bytes to a new topic and ends when the broker
 * has acknowledged the last one (shipper: its acknowledged sequence; producer:
 * {@code flush}) so the score is microseconds per record; records/s = 10^6 / score. The
 * shipper's figure includes reading and checking the archive, the checkpoint saves and
 * starting a producer; so does the producer's (it is created per invocation too).
 *
 * <p>
 * The broker is an embedded KRaft broker in the benchmark's JVM (spring-kafka-test),
 * sharing its cores: compare the two figures with each other, not with a real cluster.
 * <pre>
 * java -jar logbuf-benchmarks/target/benchmarks.jar 'kafka.ShippingBenchmark'
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(1)
@State(Scope.Benchmark)
public class ShippingBenchmark {

    static final int RECORDS = 200_000;

    private EmbeddedKafkaKraftBroker broker;

    private Path archive;

    private List<byte[]> payloads;

    private List<byte[]> sequences;

    private String ringId;

    private int topics;

    private String topic;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        archive = Files.createTempDirectory("logbuf-shipping-benchmark");
        try (ArchiveWriter writer = ArchiveWriter.builder(archive).open()) {
            writer.onStart(0x5eed);
            for (int i = 0; i < RECORDS; i++) {
                byte[] payload = payload(i);
                writer.onRecord(ByteBuffer.wrap(payload).asReadOnlyBuffer(), 0, payload.length, (long) i * 128);
                if (i % 256 == 255) {
                    writer.endOfBatch();
                }
            }
        }
        payloads = new ArrayList<>(RECORDS);
        sequences = new ArrayList<>(RECORDS);
        try (ArchiveCursor cursor = ArchiveCursor.open(archive, 0)) {
            ArchiveRecord record;
            while ((record = cursor.next()) != null) {
                payloads.add(record.toByteArray());
                sequences.add(Long.toString(record.sequence()).getBytes(StandardCharsets.US_ASCII));
                ringId = String.format("%016x", record.ringId());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        broker.destroy();
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    /** A new topic per invocation, created before it is timed. */
    @Setup(Level.Iteration)
    public void newTopic() {
        topic = "records-" + (++topics);
        broker.addTopics(topic);
    }

    private Map<String, Object> settings() {
        return Map.of("bootstrap.servers", broker.getBrokersAsString(), "acks", "all", "enable.idempotence", "true",
                "max.in.flight.requests.per.connection", 5);
    }

    /** The shipper reads the archive and sends every record, from a fresh checkpoint. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long shipper() {
        KafkaShipper shipper = KafkaShipper.builder(archive, topic)
            .ring("bench")
            .checkpointName("bench-" + topic)
            .producerSettings(settings())
            .pollInterval(java.time.Duration.ofMillis(1))
            .build();
        shipper.start();
        while (shipper.status().acknowledgedSequence() < RECORDS - 1) {
            LockSupport.parkNanos(100_000);
        }
        shipper.stop(java.time.Duration.ofSeconds(10));
        return shipper.status().recordsSent();
    }

    /** The same records, key and headers from memory with a plain producer. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long plainProducer() {
        byte[] key = "bench".getBytes(StandardCharsets.UTF_8);
        byte[] ring = key.clone();
        byte[] id = ringId.getBytes(StandardCharsets.US_ASCII);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(new RecordHeader(ShipperHeaders.RING, ring));
                headers.add(new RecordHeader(ShipperHeaders.RING_ID, id));
                headers.add(new RecordHeader(ShipperHeaders.SEQUENCE, sequences.get(i)));
                headers.add(new RecordHeader(ShipperHeaders.POSITION,
                        Long.toString((long) i * 128).getBytes(StandardCharsets.US_ASCII)));
                producer.send(new ProducerRecord<>(topic, null, null, key, payloads.get(i).clone(), headers));
            }
            producer.flush();
        }
        return RECORDS;
    }

    static byte[] payload(long i) {
        String text = "audit event " + i + " user=u" + (i % 97) + " action=read resource=/accounts/" + (i * 31 % 10007)
                + " status=200";
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
