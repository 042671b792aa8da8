package dev.logbuf.spring.boot.autoconfigure.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.logbuf.Producer;
import dev.logbuf.kafka.ShipperState;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingKafkaShipper;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.endpoint.LogbufEndpointAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.health.LogbufHealthContributorAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.kafka.TopicRecords.Shipped;
import dev.logbuf.spring.boot.autoconfigure.logging.LogbufLoggingAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.metrics.LogbufMetricsAutoConfiguration;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint.KafkaDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rings whose archive the starter ships to a real Kafka broker (spring-kafka-test's
 * embedded KRaft broker, one for the class, reached through a {@link TcpProxy} so that a
 * test can make it unreachable): every record in the topic once and in order, the last
 * records shipped at shutdown, the meters, health and endpoint, and a broker that goes
 * away and comes back (docs/kafka.md, "In a Spring Boot application").
 */
class RingKafkaShippingTests {

    private static TcpProxy proxy;

    private static TestBroker broker;

    @TempDir
    Path temp;

    @BeforeAll
    static void startBroker() throws Exception {
        proxy = new TcpProxy();
        broker = TestBroker.start(Map.of("advertised.listeners", "EXTERNAL://localhost:" + proxy.port()));
        String bound = broker.bootstrapServers();
        proxy.target(Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1)));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
        proxy.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                            SimpleMetricsExportAutoConfiguration.class, KafkaAutoConfiguration.class,
                            LogbufAutoConfiguration.class, LogbufHealthContributorAutoConfiguration.class,
                            LogbufMetricsAutoConfiguration.class, LogbufEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=logbuf",
                    "spring.kafka.bootstrap-servers=localhost:" + proxy.port());
    }

    @Test
    void everyRecordIsInTheTopicOnceAndInOrderTheLastOnesShippedAtShutdown() throws Exception {
        broker.createTopics(new NewTopic("audit-events", 3, (short) 1));
        int records = 20_000;
        Path archive = this.temp.resolve("audit");
        this.runner()
            .withPropertyValues("logbuf.rings.audit.capacity=256KB", "logbuf.rings.audit.archive.directory=" + archive,
                    "logbuf.rings.audit.kafka.topic=audit-events", "logbuf.rings.audit.kafka.max-in-flight=1000")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean("logbuf.audit.kafka")).isInstanceOf(RingKafkaShipper.class);
                assertThat(context.getBeanProvider(RingKafkaShipper.class).getObject())
                    .isSameAs(ring(context).kafka().orElseThrow());
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                offer(producer, 0, records / 2);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                await().atMost(Duration.ofMinutes(1))
                    .until(() -> meters.get("logbuf.kafka.sent")
                        .tag("topic", "audit-events")
                        .functionCounter()
                        .count() == records / 2);
                assertThat(meters.get("logbuf.kafka.sent")
                    .tags("ring", "audit", "type", "mpsc", "topic", "audit-events")
                    .functionCounter()
                    .count()).isEqualTo(records / 2);
                assertThat(meters.get("logbuf.kafka.errors").tag("ring", "audit").functionCounter().count()).isZero();
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> meters.get("logbuf.kafka.lag").tag("ring", "audit").gauge().value() == 0);

                Health health = health(context, "audit");
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(kafkaDetails(health)).containsEntry("topic", "audit-events")
                    .containsEntry("state", "shipping")
                    .containsEntry("lag", 0L)
                    .containsEntry("acknowledgedSequence", (long) records / 2 - 1)
                    .containsEntry("segmentsHeld", 0)
                    .containsKey("checkpointSequence")
                    .doesNotContainKeys("lastError", "outageMs");
                KafkaDescriptor kafka = context.getBean(LogbufEndpoint.class).ring("audit").kafka();
                assertThat(kafka.topic()).isEqualTo("audit-events");
                assertThat(kafka.running()).isTrue();
                assertThat(kafka.state()).isEqualTo("shipping");
                assertThat(kafka.recordsSent()).isEqualTo(records / 2);
                assertThat(kafka.sendErrors()).isZero();
                assertThat(kafka.lag()).isZero();
                assertThat(kafka.writtenSequence()).isEqualTo(records / 2 - 1);
                assertThat(kafka.acknowledgedSequence()).isEqualTo(records / 2 - 1);
                assertThat(kafka.lastError()).isNull();

                // the second half: the context closes right away; the drain archives what
                // is left in the ring, then the shipper ships it before it stops
                offer(producer, records / 2, records);
                RingKafkaShipper shipper = ring(context).kafka().orElseThrow();
                context.close();
                assertThat(shipper.isRunning()).isFalse();
                assertThat(shipper.status().orElseThrow().state()).isEqualTo(ShipperState.STOPPED);
                assertThat(shipper.status().orElseThrow().checkpointSequence()).isEqualTo(records - 1);
                assertThat(shipper.lag()).isZero();
            });
        List<Shipped> shipped = TopicRecords.read(broker.bootstrapServers(), "audit-events", records,
                Duration.ofMinutes(1));
        assertThat(shipped).hasSize(records);
        for (int i = 0; i < records; i++) {
            Shipped record = shipped.get(i);
            assertThat(record.sequence()).as("record %d", i).isEqualTo(i);
            assertThat(record.text()).isEqualTo(event(i));
            assertThat(record.ring()).isEqualTo("audit");
            assertThat(record.key()).isEqualTo("audit");
        }
    }

    @Test
    void anUnreachableBrokerShowsInHealthTheEndpointAndTheMetersThenShippingCatchesUp() throws Exception {
        broker.createTopics(new NewTopic("orders-a", 1, (short) 1), new NewTopic("orders-b", 1, (short) 1));
        int before = 2_000;
        int during = 3_000;
        this.runner()
            .withPropertyValues("logbuf.rings.quick.archive.directory=" + this.temp.resolve("quick"),
                    "logbuf.rings.quick.kafka.topic=orders-a", "logbuf.rings.quick.kafka.outage-timeout=300ms",
                    "logbuf.rings.patient.archive.directory=" + this.temp.resolve("patient"),
                    "logbuf.rings.patient.kafka.topic=orders-b", "logbuf.rings.patient.kafka.outage-timeout=1h",
                    "logbuf.rings.patient.kafka.max-in-flight=500",
                    // the producer gives up on a record after 3 s: the shipper then
                    // retries from the archive
                    "spring.kafka.producer.properties.delivery.timeout.ms=3000",
                    "spring.kafka.producer.properties.request.timeout.ms=1000",
                    "spring.kafka.producer.properties.max.block.ms=1500",
                    "spring.kafka.producer.properties.reconnect.backoff.max.ms=200")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                LogbufRings rings = context.getBean(LogbufRings.class);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                for (String name : List.of("quick", "patient")) {
                    offer(rings.get(name).producer(), 0, before);
                }
                await().atMost(Duration.ofMinutes(1))
                    .until(() -> acknowledged(rings, "quick") == before - 1
                            && acknowledged(rings, "patient") == before - 1);

                proxy.cut();
                try {
                    for (String name : List.of("quick", "patient")) {
                        offer(rings.get(name).producer(), before, before + during);
                    }
                    await().atMost(Duration.ofMinutes(1))
                        .until(() -> health(context, "quick").getStatus().equals(Status.DOWN)
                                && rings.get("patient").kafka().orElseThrow().sendErrors() > 0
                                && rings.get("quick").kafka().orElseThrow().sendErrors() > 0
                                && rings.get("patient").kafka().orElseThrow().lag() == during
                                && rings.get("quick").kafka().orElseThrow().lag() == during);
                    Health quick = health(context, "quick");
                    assertThat(kafkaDetails(quick)).containsEntry("topic", "orders-a")
                        .containsEntry("lag", (long) during)
                        .containsKey("outageMs")
                        .hasEntrySatisfying("lastError",
                                (error) -> assertThat(error).asString().contains("to topic orders-a failed"));
                    // the same outage, below the patient ring's outage timeout: UP, with
                    // the lag and the error
                    Health patient = health(context, "patient");
                    assertThat(patient.getStatus()).isEqualTo(Status.UP);
                    assertThat(kafkaDetails(patient)).containsEntry("lag", (long) during)
                        .containsKey("outageMs")
                        .hasEntrySatisfying("lastError",
                                (error) -> assertThat(error).asString().contains("to topic orders-b failed"));
                    KafkaDescriptor endpoint = context.getBean(LogbufEndpoint.class).ring("patient").kafka();
                    assertThat(endpoint.lag()).isEqualTo(during);
                    assertThat(endpoint.sendErrors()).isPositive();
                    assertThat(endpoint.outageMs()).isPositive();
                    assertThat(endpoint.lastError()).contains("to topic orders-b failed");
                    assertThat(endpoint.acknowledgedSequence()).isEqualTo(before - 1);
                    assertThat(meters.get("logbuf.kafka.lag").tag("ring", "patient").gauge().value()).isEqualTo(during);
                    assertThat(meters.get("logbuf.kafka.errors").tag("ring", "patient").functionCounter().count())
                        .isPositive();
                }
                finally {
                    proxy.restore();
                }
                long restored = System.nanoTime();
                await().atMost(Duration.ofMinutes(2))
                    .until(() -> acknowledged(rings, "quick") == before + during - 1
                            && acknowledged(rings, "patient") == before + during - 1);
                long caughtUpMillis = (System.nanoTime() - restored) / 1_000_000;
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> health(context, "quick").getStatus().equals(Status.UP));
                System.out.printf(
                        "starter outage: %d records archived while the broker was away, caught up in %d ms"
                                + " after the restore; send errors quick %d, patient %d%n",
                        during, caughtUpMillis, rings.get("quick").kafka().orElseThrow().sendErrors(),
                        rings.get("patient").kafka().orElseThrow().sendErrors());
                for (String name : List.of("quick", "patient")) {
                    Health health = health(context, name);
                    assertThat(kafkaDetails(health)).containsEntry("lag", 0L)
                        .containsEntry("state", "shipping")
                        .doesNotContainKey("lastError");
                    assertThat(meters.get("logbuf.kafka.lag").tag("ring", name).gauge().value()).isZero();
                    assertThat(meters.get("logbuf.kafka.sent").tag("ring", name).functionCounter().count())
                        .isGreaterThanOrEqualTo(before + during);
                }
            });
        // nothing lost; a record sent twice was in flight at the cut, with its sequence
        for (String topic : List.of("orders-a", "orders-b")) {
            List<Shipped> shipped = TopicRecords.read(broker.bootstrapServers(), topic, before + during,
                    Duration.ofMinutes(1));
            assertThat(shipped.stream().mapToLong(Shipped::sequence).distinct().count()).as(topic)
                .isEqualTo(before + during);
            System.out.printf("starter outage: topic %s holds %d records, %d of them sent twice%n", topic,
                    shipped.size(), shipped.size() - (before + during));
            for (Shipped record : shipped) {
                assertThat(record.text()).isEqualTo(event(record.sequence()));
            }
        }
    }

    @Test
    void theLoggingRingsArchiveIsShippedToo() throws Exception {
        broker.createTopics(new NewTopic("app-logs", 1, (short) 1));
        String marker = "shipped log line " + UUID.randomUUID();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LoggingApplication.class)
            .web(WebApplicationType.NONE)
            .run("--logbuf.logging.enabled=true", "--logbuf.logging.output=ring",
                    "--logbuf.rings.logs.archive.directory=" + this.temp.resolve("logs"),
                    "--logbuf.rings.logs.kafka.topic=app-logs",
                    "--spring.kafka.bootstrap-servers=localhost:" + proxy.port())) {
            LogbufRing logs = context.getBean(LogbufRings.class).get("logs");
            RingKafkaShipper shipper = logs.kafka().orElseThrow();
            long before = logs.archive().orElseThrow().writtenSequence().orElse(-1L);
            Log logger = LogFactory.getLog(RingKafkaShippingTests.class);
            for (int i = 0; i < 5; i++) {
                logger.info(marker + " " + i);
            }
            // the appender's drain archives them, the shipper ships them
            await().atMost(Duration.ofMinutes(1))
                .until(() -> logs.archive().orElseThrow().writtenSequence().orElse(-1L) >= before + 5
                        && shipper.lag() == 0);
        }
        List<String> shipped = TopicRecords.read(broker.bootstrapServers(), "app-logs", 5, Duration.ofMinutes(1))
            .stream()
            .map(Shipped::text)
            .filter((text) -> text.contains(marker))
            .toList();
        assertThat(shipped).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(shipped.get(i)).contains(marker + " " + i);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kafkaDetails(Health health) {
        return (Map<String, Object>) health.getDetails().get("kafka");
    }

    private static long acknowledged(LogbufRings rings, String name) {
        return rings.get(name)
            .kafka()
            .flatMap(RingKafkaShipper::status)
            .map((status) -> status.acknowledgedSequence())
            .orElse(-1L);
    }

    private static LogbufRing ring(AssertableApplicationContext context) {
        return context.getBean(LogbufRings.class).get("audit");
    }

    static Health health(AssertableApplicationContext context, String ring) {
        CompositeHealthContributor contributor = context.getBean("logbufHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) contributor.getContributor(ring)).health();
    }

    private static void offer(Producer producer, int from, int to) {
        for (int i = from; i < to; i++) {
            byte[] event = event(i).getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!producer.offer(event)) {
                // the ring is full for a moment: its drain loop archives it
                assertThat(System.nanoTime() - deadline).as("ring full for 30 s at record %d", i).isNegative();
                Thread.onSpinWait();
            }
        }
    }

    static String event(long i) {
        return "event " + i + " user=u" + (i % 31);
    }

    /** An application whose logs go through the ring 'logs', archived and shipped. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ KafkaAutoConfiguration.class, LogbufAutoConfiguration.class,
            LogbufLoggingAutoConfiguration.class })
    static class LoggingApplication {

    }

}
