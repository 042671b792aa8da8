package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once into the archive across a crash of a file-backed ring (issue 12): a child
 * JVM drains a {@code RingBuffer.mpsc(path, capacity)} into the archive while it produces
 * at full speed, and is killed with SIGKILL mid-stream, several rounds on the same ring
 * file and archive. Records that were in the archive but not yet released from the ring
 * when it died come back from the reopened ring; the archive must skip them. In the end
 * every committed record is in the archive exactly once.
 */
class ArchiveExactlyOnceTest {

    private static final int ROUNDS = 4;

    /**
     * Kills go on past {@link #ROUNDS} until one has landed between a batch's write and
     * its release: where a force is nearly free (tmpfs, fast NVMe) that window is a few
     * microseconds and four kills can all miss it.
     */
    private static final int MAX_ROUNDS = 16;

    @TempDir
    Path dir;

    @Test
    void recordsAReopenedFileRingDeliversAgainAreSkippedAndEveryCommittedRecordIsArchivedOnce() throws Exception {
        Path ringFile = dir.resolve("audit.ring");
        Path archive = dir.resolve("archive");
        Random random = new Random(12L);
        List<Long> acknowledged = new ArrayList<>();
        long skipped = 0;
        long recovered = 0;
        // a kill's skips show at the next start: go on while none has shown yet
        for (int round = 0; round < ROUNDS || (skipped == 0 && round < MAX_ROUNDS); round++) {
            Child child = Child.start(ringFile, archive, round);
            long target = 3_000 + random.nextInt(6_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> child.committed.get() >= target);
            child.process.destroyForcibly();
            child.process.waitFor();
            child.reader.join(10_000);
            acknowledged.add(child.committed.get());
            skipped += child.skipped.get();
            recovered += child.recovered;
        }
        // a last clean run drains what the ring still holds
        long lastSkipped;
        try (RingBuffer ring = RingBuffer.mpsc(ringFile, ArchiveRingCrashChild.RING_CAPACITY);
                ArchiveWriter writer = ArchiveWriter.open(archive)) {
            recovered += ring.recovery().records();
            writer.onStart(ring.id());
            Consumer consumer = ring.consumer();
            while (consumer.drainTo(writer, 256) > 0) {
                // until the ring is empty
            }
            lastSkipped = writer.recordsSkipped();
        }
        skipped += lastSkipped;

        int rounds = acknowledged.size();
        List<List<Integer>> indexes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            indexes.add(new ArrayList<>());
        }
        long expectedSequence = 0;
        for (ArchiveRecord record : ArchiveReader.open(archive)) {
            assertThat(record.sequence()).isEqualTo(expectedSequence++);
            ByteBuffer payload = record.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            indexes.get(payload.getInt(0)).add(payload.getInt(4));
        }
        for (int round = 0; round < rounds; round++) {
            List<Integer> archived = indexes.get(round);
            assertThat(archived).as("round %d: no duplicate, no gap", round).isEqualTo(range(archived.size()));
            assertThat((long) archived.size()).as("round %d: every acknowledged record", round)
                .isGreaterThan(acknowledged.get(round));
        }
        ToolRun verify = ToolRun.of("verify", archive.toString());
        assertThat(verify.status()).as(verify.err()).isZero();
        System.out.printf(
                "exactly once: %d rounds killed, %d records archived once each, %d delivered again by"
                        + " the reopened ring and skipped, %d recovered from the ring file%n",
                rounds, expectedSequence, skipped, recovered);
        assertThat(skipped).as("kills landed between a batch's write and its release").isPositive();
    }

    @Test
    void aRingWithAnotherIdIsNeverSkippedEvenWhereItsPositionsRepeat() {
        Path archive = dir.resolve("archive");
        try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
            drainInto(writer, RingBuffer.spsc(4096), 10);
        }
        try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
            drainInto(writer, RingBuffer.spsc(4096), 10); // positions 0.. again, new id
            assertThat(writer.recordsSkipped()).isZero();
        }
        assertThat(ArchiveFixtures.readAll(archive).records()).hasSize(20);
    }

    @Test
    void theSameRingsRecordsAreSkippedUpToThePositionTheArchiveHolds() {
        Path archive = dir.resolve("archive");
        long ringId = 0x5EED;
        try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
            writer.onStart(ringId);
            for (long position = 0; position < 10 * 64; position += 64) {
                writer.onRecord(ByteBuffer.wrap(new byte[] { (byte) position }), 0, 1, position);
            }
            writer.endOfBatch();
        }
        try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
            writer.onStart(ringId);
            for (long position = 5 * 64; position < 15 * 64; position += 64) {
                writer.onRecord(ByteBuffer.wrap(new byte[] { (byte) position }), 0, 1, position);
            }
            writer.endOfBatch();
            assertThat(writer.recordsSkipped()).isEqualTo(5);
        }
        List<ArchiveRecord> records = new ArrayList<>();
        ArchiveReader.open(archive).forEach(records::add);
        assertThat(records).extracting(ArchiveRecord::ringPosition)
            .containsExactly(0L, 64L, 128L, 192L, 256L, 320L, 384L, 448L, 512L, 576L, 640L, 704L, 768L, 832L, 896L);
        assertThat(records).extracting(ArchiveRecord::ringId).containsOnly(ringId);
    }

    private static void drainInto(ArchiveWriter writer, RingBuffer ring, int records) {
        Producer producer = ring.producer();
        for (int i = 0; i < records; i++) {
            assertThat(producer.offer(new byte[] { (byte) i })).isTrue();
        }
        writer.onStart(ring.id());
        assertThat(ring.consumer().drainTo(writer, 100)).isEqualTo(records);
    }

    private static List<Integer> range(int size) {
        List<Integer> range = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            range.add(i);
        }
        return range;
    }

    /** A running {@link ArchiveRingCrashChild} and what it has reported so far. */
    private static final class Child {

        final Process process;

        final AtomicLong committed = new AtomicLong(-1);

        final AtomicLong skipped = new AtomicLong();

        final Thread reader;

        volatile long recovered;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::readReports, "ring-crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path ring, Path archive, int round) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    ArchiveRingCrashChild.class.getName(), ring.toString(), archive.toString(),
                    Integer.toString(round));
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            return new Child(builder.start());
        }

        private void readReports() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] words = line.split(" ");
                    if (words[0].equals("committed") && words.length == 4) {
                        committed.accumulateAndGet(Long.parseLong(words[1]), Math::max);
                        skipped.accumulateAndGet(Long.parseLong(words[3]), Math::max);
                    }
                    else if (words[0].equals("start") && words.length == 3) {
                        recovered = Long.parseLong(words[2]);
                    }
                }
            }
            catch (IOException | NumberFormatException e) {
                // the child was killed mid-line: what was read before stands
            }
        }

    }

}
