package dev.logbuf.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.logbuf.kafka.ShipperHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with its profile {@code kafka} (application-kafka.yml) against a real broker
 * in the test JVM (Kafka's KRaft test kit, {@link TestBroker}, whose address replaces the
 * profile's {@code localhost:9092}): events posted over HTTP reach the topic
 * {@code audit} each once, in the order they were answered, and health and the endpoint
 * show the shipping.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("kafka")
class SampleKafkaTests {

    private static final Path ARCHIVE = SampleArchive.newDirectory("logbuf-sample-kafka");

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(Map.of());
        broker.createTopics(new NewTopic("audit", 1, (short) 1));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void archiveDirectory(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker.bootstrapServers());
        SampleArchive.register(registry, ARCHIVE);
    }

    @Test
    void postedEventsReachTheAuditTopicOnceEachInOrder() throws Exception {
        SampleHttp http = new SampleHttp(this.port);
        String run = UUID.randomUUID().toString();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String event = "user=u" + (i % 7) + " action=login run=" + run + " n=" + i;
            HttpResponse<String> response = http.post("/events", event.getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            events.add(event);
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode kafka = SampleHttp.json(http.get("/actuator/logbuf/audit")).get("kafka");
            return kafka.get("acknowledgedSequence").asLong() == kafka.get("writtenSequence").asLong()
                    && kafka.get("recordsSent").asLong() >= events.size();
        });
        JsonNode kafka = SampleHttp.json(http.get("/actuator/logbuf/audit")).get("kafka");
        assertThat(kafka.get("topic").asString()).isEqualTo("audit");
        assertThat(kafka.get("state").asString()).isEqualTo("shipping");
        assertThat(kafka.get("lag").asLong()).isZero();
        assertThat(kafka.get("sendErrors").asLong()).isZero();
        JsonNode health = SampleHttp.json(http.get("/actuator/health/logbuf/audit"));
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("kafka").get("topic").asString()).isEqualTo("audit");
        assertThat(SampleHttp.json(http.get("/actuator/metrics/logbuf.kafka.sent?tag=ring:audit&tag=topic:audit"))
            .get("measurements")
            .get(0)
            .get("value")
            .asDouble()).isGreaterThanOrEqualTo(events.size());

        List<String> shipped = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition("audit", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (countOf(shipped, run) < events.size() && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(ShipperHeaders.ring(record.headers())).isEqualTo("audit");
                    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("audit");
                    shipped.add(new String(record.value(), StandardCharsets.UTF_8));
                    sequences.add(ShipperHeaders.sequence(record.headers()));
                }
            }
        }
        assertThat(shipped.stream().filter((event) -> event.contains(run)).toList()).isEqualTo(events);
        assertThat(sequences).as("each record once, in archive order").isSorted().doesNotHaveDuplicates();
    }

    private static long countOf(List<String> shipped, String run) {
        return shipped.stream().filter((event) -> event.contains(run)).count();
    }

}
