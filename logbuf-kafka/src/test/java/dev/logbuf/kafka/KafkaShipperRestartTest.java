package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.archive.ArchiveCheckpoint;
import dev.logbuf.archive.ArchiveCursor;
import dev.logbuf.kafka.TopicRecords.Shipped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The application is killed (SIGKILL, no shutdown hook) in the middle of the stream,
 * twice, and started again: shipping resumes after the checkpoint, and every record the
 * archive holds ends up in the topic, in order, the duplicates being records the topic
 * held above the checkpoint at a kill (acknowledged after the last checkpoint save, or in
 * flight).
 */
class KafkaShipperRestartTest {

    private static final int KILLS = 2;

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
    void afterSigkillShippingResumesFromTheCheckpointAndLosesNothing() throws Exception {
        String topic = "payments";
        broker.addTopics(new NewTopic(topic, 1, (short) 1));
        List<Long> checkpointsAtKill = new ArrayList<>();
        List<Long> acknowledgedAtKill = new ArrayList<>();
        List<Long> highestInTopicAtKill = new ArrayList<>();
        long target = 5_000;
        for (int kill = 1; kill <= KILLS; kill++) {
            Child child = Child.start(dir, broker.getBrokersAsString(), topic);
            long goal = target;
            long previous = checkpointsAtKill.isEmpty() ? -1 : checkpointsAtKill.get(checkpointsAtKill.size() - 1);
            ArchiveCheckpoint saved = ArchiveCheckpoint.of(dir, "kafka-" + topic);
            // the kill lands after this life saved a checkpoint (every 200 ms while
            // records fly), so that resuming from it is what the next start shows: a
            // child fast enough to get 5,000 acknowledgements before its first save was
            // killed with the checkpoint still at the previous one
            await().atMost(Duration.ofMinutes(1))
                .until(() -> child.acknowledged.get() >= goal && child.written.get() > child.acknowledged.get()
                        && saved.read() > previous);
            child.process.destroyForcibly();
            child.process.waitFor();
            // its reports to the last one
            child.reader.join(10_000);
            long checkpoint = saved.read();
            long acknowledged = child.acknowledged.get();
            assertThat(child.startCheckpoint).as("kill %d: the child resumed from the last checkpoint", kill)
                .isEqualTo(previous);
            assertThat(checkpoint).as("kill %d: acknowledged records were checkpointed", kill).isGreaterThan(previous);
            // what the killed child got into the topic: its last report can be older
            // than the kill by more than its 5 ms period (the broker, in this JVM, stalls
            // for a GC while the child keeps records in flight, then acknowledges a burst
            // the kill follows at once), so the topic itself is read. The child is dead,
            // its connections closed: the read waits until the topic holds the records up
            // to the reported acknowledgement, then for a second of empty polls, so that
            // the requests the broker had received before the kill are appended
            long highestInTopic = highestSequence(
                    TopicRecords.read(broker.getBrokersAsString(), topic, acknowledged + 1, Duration.ofMinutes(1)));
            assertThat(highestInTopic).as("kill %d: the topic holds what the child saw acknowledged", kill)
                .isGreaterThanOrEqualTo(acknowledged);
            checkpointsAtKill.add(checkpoint);
            acknowledgedAtKill.add(acknowledged);
            highestInTopicAtKill.add(highestInTopic);
            target = acknowledged + 5_000;
        }

        // the last start ships what the archive holds, with no writer
        long last;
        try (ArchiveCursor cursor = ArchiveCursor.open(dir, 0)) {
            while (cursor.next() != null) {
                // to the end
            }
            last = cursor.lastSequence();
        }
        KafkaShipper shipper = KafkaShipper.builder(dir, topic)
            .ring("payments")
            .producerSettings(Map.of("bootstrap.servers", broker.getBrokersAsString()))
            .build();
        // read before start(): once started, the shipper saves a newer checkpoint as soon
        // as nothing is in flight
        long resumedFrom = shipper.checkpoint().read();
        shipper.start();
        assertThat(resumedFrom).as("the last start resumes from the last kill's checkpoint")
            .isEqualTo(checkpointsAtKill.get(KILLS - 1));
        await().atMost(Duration.ofMinutes(1)).until(() -> shipper.status().acknowledgedSequence() == last);
        assertThat(shipper.stop(Duration.ofSeconds(10))).isTrue();

        List<Shipped> shipped = TopicRecords.read(broker.getBrokersAsString(), topic, last + 1, Duration.ofMinutes(1));
        int[] copies = new int[(int) last + 1];
        long highest = -1;
        long duplicates = 0;
        for (Shipped record : shipped) {
            int sequence = (int) record.sequence();
            assertThat(record.payload()).as("record %d", sequence)
                .isEqualTo(KafkaShipperEndToEndTest.payload(sequence));
            if (copies[sequence]++ > 0) {
                duplicates++;
                assertThat(withinAKillWindow(sequence, checkpointsAtKill, highestInTopicAtKill))
                    .as("duplicate %d was in the topic above the checkpoint at a kill", sequence)
                    .isTrue();
            }
            else {
                assertThat((long) sequence).as("first copies in order").isEqualTo(highest + 1);
                highest = sequence;
            }
        }
        assertThat(highest).as("every record the archive holds was shipped").isEqualTo(last);
        System.out.printf(
                "restart: %d SIGKILLs, checkpoints at the kills %s, acknowledged at the kills %s, highest in the"
                        + " topic at the kills %s, %d records in the archive, %d duplicates in the topic%n",
                KILLS, checkpointsAtKill, acknowledgedAtKill, highestInTopicAtKill, last + 1, duplicates);
    }

    /**
     * Whether {@code sequence} is one the next start sends again after a kill: above the
     * checkpoint it resumes from, and already in the topic when the child was killed.
     */
    private static boolean withinAKillWindow(long sequence, List<Long> checkpoints, List<Long> highestInTopic) {
        for (int i = 0; i < checkpoints.size(); i++) {
            if (sequence > checkpoints.get(i) && sequence <= highestInTopic.get(i)) {
                return true;
            }
        }
        return false;
    }

    private static long highestSequence(List<Shipped> records) {
        long highest = -1;
        for (Shipped record : records) {
            highest = Math.max(highest, record.sequence());
        }
        return highest;
    }

    /** A running {@link ShipperChild} and what it reported. */
    private static final class Child {

        final Process process;

        final AtomicLong acknowledged = new AtomicLong(-1);

        final AtomicLong written = new AtomicLong(-1);

        volatile long startCheckpoint = Long.MIN_VALUE;

        final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::readReports, "shipper-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path dir, String bootstrap, String topic) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    ShipperChild.class.getName(), dir.toString(), bootstrap, topic);
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            return new Child(builder.start());
        }

        private void readReports() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] words = line.split(" ");
                    try {
                        if (words[0].equals("acknowledged") && words.length == 4) {
                            acknowledged.accumulateAndGet(Long.parseLong(words[1]), Math::max);
                            written.accumulateAndGet(Long.parseLong(words[3]), Math::max);
                        }
                        else if (words[0].equals("start") && words.length == 4) {
                            startCheckpoint = Long.parseLong(words[3]);
                        }
                    }
                    catch (NumberFormatException e) {
                        // a line cut by the kill
                    }
                }
            }
            catch (IOException e) {
                // the child was killed
            }
        }

    }

}
