package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logbuf.archive.ArchiveCheckpoint;
import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveFormatException;
import dev.logbuf.archive.ArchiveWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad setting and bad file fails at the boundary, naming what is wrong and how to
 * fix it; and records gone from the archive are counted. No broker: Kafka's
 * {@link MockProducer} acknowledges.
 */
class KafkaShipperSettingsTest {

    @TempDir
    Path dir;

    private static Map<String, Object> settings(Object... keyValues) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put((String) keyValues[i], keyValues[i + 1]);
        }
        return settings;
    }

    private KafkaShipperBuilder builder(Map<String, Object> settings) {
        return KafkaShipper.builder(dir, "audit").producerSettings(settings);
    }

    @Test
    void settingsThatCouldLoseOrReorderRecordsAreRefusedNamingTheSettingAndTheValueToUse() {
        assertThatThrownBy(() -> builder(settings("acks", "1")).build()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("acks=1")
            .hasMessageContaining("acks=all")
            .isInstanceOfSatisfying(InvalidProducerSettingException.class, e -> {
                assertThat(e.setting()).isEqualTo("acks");
                assertThat(e.value()).isEqualTo("1");
            });
        assertThatThrownBy(() -> builder(settings("enable.idempotence", false)).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("enable.idempotence=false")
            .hasMessageContaining("enable.idempotence=true");
        assertThatThrownBy(() -> builder(settings("max.in.flight.requests.per.connection", 6)).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("max.in.flight.requests.per.connection=6")
            .hasMessageContaining("1..5");
        assertThatThrownBy(() -> builder(settings("retries", "0")).build()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("retries=0");
        assertThatThrownBy(() -> builder(settings("transactional.id", "tx")).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("transactional.id=tx")
            .isInstanceOfSatisfying(InvalidProducerSettingException.class,
                    e -> assertThat(e.setting()).isEqualTo("transactional.id"));
        assertThatThrownBy(() -> builder(new HashMap<>()).build()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bootstrap.servers is missing");
        assertThatThrownBy(() -> builder(settings("max.in.flight.requests.per.connection", "five")).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not a number");
    }

    @Test
    void settingsLeftOutAreCompletedForNoLossAndTheSerializersAreTheShippers() {
        KafkaShipper shipper = builder(
                settings("acks", "-1", "key.serializer", "org.apache.kafka.common.serialization.StringSerializer"))
            .ring("audit")
            .build();
        assertThat(shipper.producerSettings()).containsEntry("acks", "-1")
            .containsEntry("enable.idempotence", "true")
            .containsEntry("max.in.flight.requests.per.connection", 5)
            .containsEntry("client.id", "logbuf-kafka-audit")
            .doesNotContainKey("key.serializer");
        assertThat(shipper.checkpoint().file()).isEqualTo(dir.resolve("kafka-audit.checkpoint"));
        assertThat(shipper.status().state()).isEqualTo(ShipperState.NEW);
    }

    @Test
    void badBuilderArgumentsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> KafkaShipper.builder(dir, "no spaces")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("\"no spaces\" is not a valid Kafka topic name");
        KafkaShipperBuilder builder = builder(settings());
        assertThatThrownBy(() -> builder.ring(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxInFlight(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("max in flight 0");
        assertThatThrownBy(() -> builder.pollInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("below the min");
        assertThatThrownBy(() -> builder.checkpointName("a/b")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("a/b");
    }

    @Test
    void startFailsLoudlyOnAMissingArchiveOrADamagedCheckpointAndRunsOnce() throws IOException {
        Path missing = dir.resolve("missing");
        KafkaShipper nowhere = KafkaShipper.builder(missing, "audit").producerSettings(settings()).build();
        assertThatThrownBy(nowhere::start).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(missing.toString())
            .hasMessageContaining("does not exist");

        Files.writeString(dir.resolve("kafka-audit.checkpoint"), "not a checkpoint");
        KafkaShipper damaged = builder(settings()).producerFactory(this::mock).build();
        assertThatThrownBy(damaged::start).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining("kafka-audit.checkpoint");

        Files.delete(dir.resolve("kafka-audit.checkpoint"));
        KafkaShipper shipper = builder(settings()).producerFactory(this::mock).build();
        shipper.start();
        assertThat(ArchiveCheckpoint.of(dir, "kafka-audit").exists())
            .as("created at start, so retention holds the archive from now on")
            .isTrue();
        assertThatThrownBy(shipper::start).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already started");
        assertThat(shipper.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(shipper.status().state()).isEqualTo(ShipperState.STOPPED);
    }

    @Test
    void recordsGoneFromTheArchiveBeforeTheyWereShippedAreCountedOnceAndShippingGoesOn() throws IOException {
        try (ArchiveWriter archive = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            for (int i = 0; i < 600; i++) {
                byte[] record = KafkaShipperEndToEndTest.payload(i);
                archive.onRecord(ByteBuffer.wrap(record), 0, record.length, -1);
                if (i % 50 == 49) {
                    archive.endOfBatch();
                }
            }
        }
        ArchiveCheckpoint.of(dir, "kafka-audit").save(-1);
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(file -> file.toString().endsWith(".seg")).sorted().toList();
        }
        long gone = first(segments.get(2)) - first(segments.get(1));
        Files.delete(segments.get(1)); // by hand: its records were never shipped
        MockProducer<byte[], byte[]> producer = mock(Map.of());
        KafkaShipper shipper = builder(settings()).producerFactory(settings -> producer).build();
        shipper.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> shipper.status().acknowledgedSequence() == 599);
        shipper.stop(Duration.ofSeconds(5));
        assertThat(shipper.status().recordsMissing()).isEqualTo(gone);
        assertThat(producer.history()).hasSize((int) (600 - gone));
        assertThat(shipper.status().recordsSent()).isEqualTo(600 - gone);
    }

    private static long first(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    private MockProducer<byte[], byte[]> mock(Map<String, Object> settings) {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

}
