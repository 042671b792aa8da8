package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.drain.DrainAgent;
import dev.logbuf.kafka.TopicRecords.Shipped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The broker becomes unreachable in the middle of the stream and comes back: a
 * {@link TcpProxy} between the clients and the broker (which advertises the proxy's port)
 * closes every connection and refuses new ones, then relays again. The archive keeps
 * growing, the status shows the lag and the error, shipping catches up, nothing is lost;
 * duplicates are only records that were in flight, and carry their sequence.
 */
class KafkaShipperOutageTest {

    private static final int RECORDS = 60_000;

    private static final int MAX_IN_FLIGHT = 2_000;

    private static TcpProxy proxy;

    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        proxy = new TcpProxy();
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("advertised.listeners", "EXTERNAL://localhost:" + proxy.port());
        broker.afterPropertiesSet();
        String bound = broker.getBrokersAsString();
        proxy.target(Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1)));
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
        proxy.close();
    }

    @Test
    void anUnreachableBrokerLosesNothingTheLagShowsAndShippingCatchesUpWithOnlyInFlightDuplicates()
            throws InterruptedException {
        String topic = "outage";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        String viaProxy = "localhost:" + proxy.port();
        RingBuffer ring = RingBuffer.spsc(1 << 20);
        ArchiveWriter archive = ArchiveWriter.builder(dir).segmentSize(1 << 20).open();
        DrainAgent drain = DrainAgent.builder(ring, ring.consumer()).sink(archive).build();
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", viaProxy);
        settings.put("delivery.timeout.ms", 4000);
        settings.put("request.timeout.ms", 1500);
        settings.put("max.block.ms", 2000);
        settings.put("reconnect.backoff.ms", 50);
        settings.put("reconnect.backoff.max.ms", 500);
        KafkaShipper shipper = KafkaShipper.builder(dir, topic)
            .ring("orders")
            .producerSettings(settings)
            .maxInFlight(MAX_IN_FLIGHT)
            .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .build();
        drain.start();
        shipper.start();
        Thread writer = new Thread(() -> {
            Producer producer = ring.producer();
            for (int i = 0; i < RECORDS; i++) {
                byte[] record = KafkaShipperEndToEndTest.payload(i);
                while (!producer.offer(record)) {
                    Thread.onSpinWait();
                }
            }
        }, "ring-writer");
        writer.start();

        // cut while records stream and fly
        await().atMost(Duration.ofMinutes(1)).until(() -> shipper.status().acknowledgedSequence() >= 10_000);
        proxy.cut();
        long acknowledgedAtCut = shipper.status().acknowledgedSequence();
        writer.join();
        await().atMost(Duration.ofMinutes(1))
            .until(() -> archive.writtenSequence() == RECORDS - 1 && shipper.status().sendErrors() > 0
                    && shipper.status().state() == ShipperState.RETRYING
                    && shipper.status().writtenSequence() == RECORDS - 1);
        ShipperStatus down = shipper.status();
        assertThat(down.lag()).as("the archive grew while the broker was away")
            .isEqualTo(RECORDS - 1 - down.acknowledgedSequence())
            .isGreaterThanOrEqualTo(RECORDS - 1 - acknowledgedAtCut - MAX_IN_FLIGHT);
        assertThat(down.lastError()).isInstanceOf(KafkaShippingException.class).hasMessageContaining("topic " + topic);
        assertThat(down.checkpointSequence()).isLessThanOrEqualTo(down.acknowledgedSequence());
        assertThat(down.outageNanos()).as("records wait, none acknowledged").isPositive();

        proxy.restore();
        long restored = System.nanoTime();
        await().atMost(Duration.ofMinutes(2))
            .until(() -> shipper.status().acknowledgedSequence() == RECORDS - 1
                    && shipper.status().state() == ShipperState.SHIPPING);
        long catchUpMillis = (System.nanoTime() - restored) / 1_000_000;
        assertThat(drain.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(shipper.stop(Duration.ofSeconds(10))).isTrue();
        ShipperStatus end = shipper.status();
        assertThat(end.lag()).isZero();
        assertThat(end.lastError()).isNull();
        assertThat(end.outageNanos()).isZero();
        assertThat(end.checkpointSequence()).isEqualTo(RECORDS - 1);

        List<Shipped> shipped = TopicRecords.read(viaProxy, topic, RECORDS, Duration.ofMinutes(1));
        int[] copies = new int[RECORDS];
        long highest = -1;
        long duplicates = 0;
        for (Shipped record : shipped) {
            int sequence = (int) record.sequence();
            assertThat(record.payload()).as("record %d", sequence)
                .isEqualTo(KafkaShipperEndToEndTest.payload(sequence));
            if (copies[sequence]++ > 0) {
                duplicates++;
                assertThat((long) sequence).as("a duplicate is a record sent before the retry")
                    .isLessThanOrEqualTo(highest);
            }
            else {
                assertThat((long) sequence).as("first copies in order").isEqualTo(highest + 1);
                highest = sequence;
            }
        }
        assertThat(Arrays.stream(copies).filter(n -> n == 0).count()).as("records lost").isZero();
        assertThat(duplicates).as("duplicates only within the in-flight window")
            .isLessThanOrEqualTo(MAX_IN_FLIGHT)
            .isLessThanOrEqualTo(end.recordsResent());
        System.out.printf(
                "outage: cut at acknowledged %d, lag at restore %d records, caught up in %d ms, %d send errors,"
                        + " %d records resent, %d duplicates in the topic, %d records in the topic%n",
                acknowledgedAtCut, down.lag(), catchUpMillis, end.sendErrors(), end.recordsResent(), duplicates,
                shipped.size());
    }

}
