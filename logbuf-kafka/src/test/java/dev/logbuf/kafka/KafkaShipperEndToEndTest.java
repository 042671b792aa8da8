package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.archive.ArchiveCheckpoint;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.drain.DrainAgent;
import dev.logbuf.kafka.TopicRecords.Shipped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Records go from a real ring through the core's {@link DrainAgent}, the
 * {@link ArchiveWriter} and the shipper to a real (embedded, KRaft) broker, and are read
 * back with a plain consumer.
 */
class KafkaShipperEndToEndTest {

    private static final int RECORDS = 100_000;

    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void hundredThousandRecordsThroughRingArchiveAndShipperArriveEachOnceInOrderInOnePartition() {
        String topic = "audit";
        // three partitions: the ring's key must keep all its records in one of them
        broker.addTopics(new NewTopic(topic, 3, (short) 1));
        RingBuffer ring = RingBuffer.spsc(1 << 20);
        ArchiveWriter archive = ArchiveWriter.builder(dir).segmentSize(1 << 20).open();
        DrainAgent drain = DrainAgent.builder(ring, ring.consumer()).sink(archive).name("drain-audit").build();
        KafkaShipper shipper = KafkaShipper.builder(dir, topic)
            .ring("audit")
            .producerSettings(Map.of("bootstrap.servers", broker.getBrokersAsString()))
            .build();
        drain.start();
        shipper.start();
        Producer producer = ring.producer();
        for (int i = 0; i < RECORDS; i++) {
            byte[] record = payload(i);
            while (!producer.offer(record)) {
                Thread.onSpinWait(); // the ring is full: the drain catches up
            }
        }
        await().atMost(Duration.ofMinutes(2))
            .until(() -> shipper.status().acknowledgedSequence() == RECORDS - 1
                    && shipper.status().checkpointSequence() == RECORDS - 1);
        assertThat(drain.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(shipper.stop(Duration.ofSeconds(10))).isTrue();

        ShipperStatus status = shipper.status();
        assertThat(status.state()).isEqualTo(ShipperState.STOPPED);
        assertThat(status.recordsSent()).isEqualTo(RECORDS);
        assertThat(status.sendErrors()).isZero();
        assertThat(status.recordsResent()).isZero();
        assertThat(status.recordsMissing()).isZero();
        assertThat(status.lag()).isZero();
        assertThat(status.lastError()).isNull();
        assertThat(ArchiveCheckpoint.of(dir, "kafka-audit").read()).isEqualTo(RECORDS - 1);

        List<Shipped> shipped = TopicRecords.read(broker.getBrokersAsString(), topic, RECORDS, Duration.ofMinutes(1));
        assertThat(shipped).hasSize(RECORDS);
        assertThat(shipped).extracting(Shipped::partition)
            .as("one ring, one partition")
            .containsOnly(shipped.get(0).partition());
        String ringId = String.format("%016x", ring.id());
        for (int i = 0; i < RECORDS; i++) {
            Shipped record = shipped.get(i);
            assertThat(record.sequence()).as("record %d in order", i).isEqualTo(i);
            assertThat(record.payload()).as("record %d", i).isEqualTo(payload(i));
            assertThat(record.ring()).isEqualTo("audit");
            assertThat(record.ringId()).isEqualTo(ringId);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("audit");
        }
    }

    @Test
    void aRecordTheBrokerRefusesIsRetriedNeverSkippedAndNamedInTheStatus() {
        String topic = "refused";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        try (ArchiveWriter archive = ArchiveWriter.open(dir)) {
            for (int i = 0; i < 21; i++) {
                byte[] record = i == 10 ? new byte[8192] : payload(i);
                archive.onRecord(java.nio.ByteBuffer.wrap(record), 0, record.length, -1);
            }
            archive.endOfBatch();
        }
        KafkaShipper shipper = KafkaShipper.builder(dir, topic)
            .producerSettings(Map.of("bootstrap.servers", broker.getBrokersAsString(), "max.request.size", 4096))
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .build();
        shipper.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> shipper.status().sendErrors() >= 3);
        ShipperStatus status = shipper.status();
        assertThat(status.state()).isEqualTo(ShipperState.RETRYING);
        assertThat(status.acknowledgedSequence()).as("up to the refused record, not past it").isEqualTo(9);
        assertThat(status.lag()).isEqualTo(11);
        // records wait and the broker acknowledges none of them: an outage, as health
        // shows it
        await().atMost(Duration.ofSeconds(30)).until(() -> shipper.status().outageNanos() > 0);
        assertThat(status.lastError()).isInstanceOf(KafkaShippingException.class)
            .hasMessageContaining("sending record 10 of " + dir)
            .hasMessageContaining("RecordTooLargeException");
        shipper.stop(Duration.ofSeconds(5));
        assertThat(ArchiveCheckpoint.of(dir, "kafka-" + topic).read()).isEqualTo(9);
    }

    @Test
    void stopWhenShippedSendsWhatTheArchiveHoldsBeforeItStops() {
        String topic = "last-records";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        int records = 5_000;
        try (ArchiveWriter archive = ArchiveWriter.open(dir)) {
            for (int i = 0; i < records; i++) {
                byte[] record = payload(i);
                archive.onRecord(java.nio.ByteBuffer.wrap(record), 0, record.length, -1);
            }
            archive.endOfBatch();
        }
        // the writer is closed, as after the ring's drain stopped: the shipper, stopped
        // at once, still sends every record first
        KafkaShipper shipper = KafkaShipper.builder(dir, topic)
            .producerSettings(Map.of("bootstrap.servers", broker.getBrokersAsString()))
            .maxInFlight(500)
            .build();
        shipper.start();
        assertThat(shipper.stopWhenShipped(Duration.ofMinutes(1))).isTrue();
        ShipperStatus status = shipper.status();
        assertThat(status.state()).isEqualTo(ShipperState.STOPPED);
        assertThat(status.acknowledgedSequence()).isEqualTo(records - 1);
        assertThat(status.outageNanos()).isZero();
        assertThat(ArchiveCheckpoint.of(dir, "kafka-" + topic).read()).isEqualTo(records - 1);
        List<Shipped> shipped = TopicRecords.read(broker.getBrokersAsString(), topic, records, Duration.ofMinutes(1));
        assertThat(shipped).extracting(Shipped::sequence)
            .containsExactlyElementsOf(java.util.stream.LongStream.range(0, records).boxed().toList());
    }

    static byte[] payload(long i) {
        return ("audit event " + i + " user=u" + (i % 97) + " action=" + (i % 3 == 0 ? "login" : "read"))
            .getBytes(StandardCharsets.UTF_8);
    }

}
