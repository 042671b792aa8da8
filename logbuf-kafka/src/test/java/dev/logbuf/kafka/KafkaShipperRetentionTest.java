package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.archive.ArchiveListener;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.drain.DrainAgent;
import dev.logbuf.kafka.TopicRecords.Shipped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Retention while the broker is away: segments with records not yet shipped are never
 * deleted, whatever {@code maxSegments} says; when that fills the disk, the archive
 * refuses batches (they stay in the ring, which then refuses new records: the producer
 * sees it), and once the broker is back everything is shipped, the held segments go and
 * the ring drains. The broker is made unreachable with a {@link TcpProxy}.
 */
class KafkaShipperRetentionTest {

    private static TcpProxy proxy;

    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path dir;

    private SmallFilesystem filesystem;

    private final List<Path> held = new CopyOnWriteArrayList<>();

    private final ArchiveListener listener = new ArchiveListener() {
        @Override
        public void onSegmentHeld(Path segment, Path checkpoint, long checkpointSequence) {
            held.add(segment);
        }
    };

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

    private final List<AutoCloseable> running = new CopyOnWriteArrayList<>();

    @AfterEach
    void restoreAndUnmount() throws Exception {
        proxy.restore();
        for (AutoCloseable closeable : running) {
            closeable.close(); // what a failed test left running holds files open
        }
        if (filesystem != null) {
            filesystem.close();
        }
    }

    private KafkaShipper shipper(Path archive, String topic) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:" + proxy.port());
        // the cut is seen by max.block.ms (no metadata: the send fails after 1 s); the
        // request and delivery timeouts only matter once the broker is back, where an
        // expired batch the broker appended would be sent again by a new producer and
        // break "every record once": long enough for a stalled broker (a GC in this JVM)
        settings.put("delivery.timeout.ms", 30_000);
        settings.put("request.timeout.ms", 10_000);
        settings.put("max.block.ms", 1000);
        settings.put("reconnect.backoff.max.ms", 300);
        return KafkaShipper.builder(archive, topic)
            .ring("audit")
            .producerSettings(settings)
            .maxInFlight(1000)
            .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .build();
    }

    @Test
    void segmentsWithUnshippedRecordsAreNeverDeletedAndGoOnceShipped() {
        String topic = "held";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        proxy.cut();
        ArchiveWriter archive = ArchiveWriter.builder(dir)
            .segmentSize(64 * 1024)
            .maxSegments(3)
            .listener(listener)
            .open();
        KafkaShipper shipper = shipper(dir, topic);
        shipper.start();
        for (int i = 0; i < 8000; i++) {
            append(archive, KafkaShipperEndToEndTest.payload(i));
            if (i % 100 == 99) {
                archive.endOfBatch();
            }
        }
        int segments = segmentFiles(dir);
        assertThat(segments).as("nothing shipped, nothing deleted").isGreaterThan(6);
        assertThat(archive.segmentsHeld()).isEqualTo(segments - 3);
        assertThat(held).hasSize(1);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> shipper.status().writtenSequence() == 7999 && shipper.status().lag() == 8000);
        assertThat(shipper.status().checkpointSequence()).isEqualTo(-1);

        proxy.restore();
        await().atMost(Duration.ofMinutes(1)).until(() -> shipper.status().checkpointSequence() == 7999);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            archive.endOfBatch(); // retention reads the checkpoints again at most once a
                                  // second
            return archive.segmentsHeld() == 0;
        });
        assertThat(segmentFiles(dir)).isEqualTo(3);
        assertThat(shipper.stop(Duration.ofSeconds(10))).isTrue();
        archive.close();
        List<Shipped> shipped = TopicRecords.read("localhost:" + proxy.port(), topic, 8000, Duration.ofMinutes(1));
        assertThat(shipped).extracting(Shipped::sequence)
            .as("every record once, in order")
            .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 8000).boxed().toList());
    }

    @Test
    void aDiskFilledByHeldSegmentsPushesBackToTheProducerAndLosesNothingOnceTheBrokerIsBack() throws Exception {
        filesystem = SmallFilesystem.mount(dir.resolve("small"), "4m");
        Path archiveDir = filesystem.path().resolve("archive");
        String topic = "diskfull";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        proxy.cut();
        RingBuffer ring = RingBuffer.spsc(1 << 16);
        ArchiveWriter archive = ArchiveWriter.builder(archiveDir)
            .segmentSize(256 * 1024)
            .maxSegments(2)
            .listener(listener)
            .open();
        DrainAgent drain = DrainAgent.builder(ring, ring.consumer())
            .sink(archive)
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
            .build();
        KafkaShipper shipper = shipper(archiveDir, topic);
        running.add(shipper);
        running.add(() -> drain.stop(Duration.ofSeconds(5)));
        drain.start();
        shipper.start();
        int records = 60_000; // about 7 MiB in the archive: more than the 4 MiB disk
        AtomicLong offered = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Thread writer = new Thread(() -> {
            Producer producer = ring.producer();
            for (int i = 0; i < records && !Thread.currentThread().isInterrupted(); i++) {
                byte[] record = KafkaShipperEndToEndTest.payload(i);
                while (!producer.offer(record)) {
                    refused.incrementAndGet(); // the ring is full: the application sees
                                               // it
                    LockSupport.parkNanos(200_000);
                }
                offered.incrementAndGet();
            }
        }, "ring-writer");
        writer.start();
        running.add(writer::interrupt);

        // the disk fills with held segments; the archive refuses batches, the ring fills
        await().atMost(Duration.ofMinutes(1))
            .until(() -> archive.lastFailure().isPresent() && drain.failures() > 0 && refused.get() > 0
                    && shipper.status().state() == ShipperState.RETRYING);
        assertThat(archive.lastFailure().get()).hasMessageContaining("No space left on device");
        int heldAtPeak = archive.segmentsHeld();
        assertThat(heldAtPeak).as("segments over maxSegments=2 kept for the shipper").isGreaterThan(5);
        assertThat(offered.get()).as("the producer is held back").isLessThan(records);
        assertThat(archive.recordsDropped()).isZero();
        ShipperStatus down = shipper.status();
        assertThat(down.acknowledgedSequence()).isEqualTo(-1);
        assertThat(down.lag()).isEqualTo(down.writtenSequence() + 1);

        proxy.restore();
        writer.join(Duration.ofMinutes(2).toMillis());
        assertThat(offered.get()).isEqualTo(records);
        await().atMost(Duration.ofMinutes(2))
            .until(() -> archive.writtenSequence() == records - 1
                    && shipper.status().acknowledgedSequence() == records - 1);
        assertThat(drain.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(shipper.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(archive.recordsDropped()).isZero();
        List<Shipped> shipped = TopicRecords.read("localhost:" + proxy.port(), topic, records, Duration.ofMinutes(1));
        long highest = -1;
        long duplicates = 0;
        for (Shipped record : shipped) {
            assertThat(record.payload()).isEqualTo(KafkaShipperEndToEndTest.payload(record.sequence()));
            if (record.sequence() <= highest) {
                duplicates++;
            }
            else {
                assertThat(record.sequence()).as("first copies in order").isEqualTo(highest + 1);
                highest = record.sequence();
            }
        }
        assertThat(highest).as("every record the producer got into the ring was shipped").isEqualTo(records - 1);
        assertThat(duplicates).isLessThanOrEqualTo(1000);
        System.out.printf(
                "disk limit: %d segments held over maxSegments=2 on the full disk, %d offers refused by the full"
                        + " ring, %d drain failures (disk full), %d duplicates, 0 records lost%n",
                heldAtPeak, refused.get(), drain.failures(), duplicates);
    }

    private static int segmentFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return (int) files.filter(file -> file.toString().endsWith(".seg")).count();
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Hands a record to the archive as a ring would (position unknown). */
    private static void append(ArchiveWriter archive, byte[] payload) {
        archive.onRecord(ByteBuffer.wrap(payload).asReadOnlyBuffer(), 0, payload.length, -1);
    }

}
