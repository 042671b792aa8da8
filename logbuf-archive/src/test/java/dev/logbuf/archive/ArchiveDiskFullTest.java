package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.drain.DrainAgent;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's disk-full report, on a real 2 MiB tmpfs: producers on two threads fill a
 * ring that a {@link DrainAgent} drains into the archive while the file system runs full;
 * space is freed, the agent is stopped gracefully. Every record a producer had accepted
 * must be in the archive exactly once, in each producer's order, with contiguous
 * sequences, {@code verify} clean and nothing counted as dropped.
 */
class ArchiveDiskFullTest {

    private static final int PRODUCERS = 2;

    private static final int RECORDS_PER_PRODUCER = 4000;

    private static final int PAYLOAD = 100;

    @TempDir
    Path dir;

    @Test
    void aFullDiskKeepsRecordsInTheRingAndOnceSpaceIsBackEveryAcceptedRecordLandsOnce() throws Exception {
        try (SmallFilesystem disk = SmallFilesystem.mount(dir.resolve("small"), "2m")) {
            // ballast leaves about 0.75 MiB for 1.1 MB of records: the disk fills
            // mid-load
            Path ballast = disk.path().resolve("ballast");
            try (RandomAccessFile file = new RandomAccessFile(ballast.toFile(), "rw")) {
                file.write(new byte[1280 * 1024]);
            }
            Path archiveDir = disk.path().resolve("archive");
            RingBuffer ring = RingBuffer.mpsc(64 * 1024);
            ArchiveWriter archive = ArchiveWriter.builder(archiveDir)
                .segmentSize(256 * 1024)
                .flushPolicy(FlushPolicy.BATCH)
                .open();
            DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
                .sink(archive)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
                .build();
            agent.start();
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicBoolean failed = new AtomicBoolean();
            Thread[] producers = new Thread[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++) {
                int id = p;
                producers[p] = new Thread(() -> {
                    Producer producer = ring.producer();
                    for (int i = 0; i < RECORDS_PER_PRODUCER; i++) {
                        byte[] record = record(id, i);
                        while (!producer.offer(record)) {
                            refused.incrementAndGet(); // the ring is full: the disk is
                            Thread.onSpinWait();
                        }
                        accepted.incrementAndGet();
                    }
                }, "producer-" + p);
                producers[p].setUncaughtExceptionHandler((t, e) -> failed.set(true));
                producers[p].start();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failures() > 0 && refused.get() > 0);
            assertThat(archive.lastFailure()).hasValueSatisfying(
                    failure -> assertThat(failure.getMessage()).contains("No space left on device", "undone"));
            long acceptedWhileFull = accepted.get();
            Files.delete(ballast);

            for (Thread producer : producers) {
                producer.join(60_000);
            }
            assertThat(failed).isFalse();
            assertThat(agent.stop(Duration.ofSeconds(30))).as("stop drained everything").isTrue();
            long dropped = archive.recordsDropped();

            long[] next = new long[PRODUCERS];
            long expectedSequence = 0;
            for (ArchiveRecord read : ArchiveReader.open(archiveDir)) {
                assertThat(read.sequence()).isEqualTo(expectedSequence++);
                ByteBuffer payload = read.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                int producer = payload.getInt(0);
                int index = payload.getInt(4);
                assertThat(index).as("producer %d's order", producer).isEqualTo(next[producer]);
                assertThat(read.toByteArray()).isEqualTo(record(producer, index));
                next[producer]++;
            }
            ToolRun verify = ToolRun.of("verify", archiveDir.toString());
            System.out.printf(
                    "disk full: accepted %d (%d when space was freed, %d offers refused meanwhile),"
                            + " archived %d, dropped %d, drain failures %d%n",
                    accepted.get(), acceptedWhileFull, refused.get(), expectedSequence, dropped, agent.failures());
            assertThat(verify.status()).as(verify.err()).isZero();
            assertThat(expectedSequence).isEqualTo(accepted.get()).isEqualTo((long) PRODUCERS * RECORDS_PER_PRODUCER);
            assertThat(next).containsOnly(RECORDS_PER_PRODUCER);
            assertThat(dropped).isZero();
            ring.close();
        }
    }

    private static byte[] record(int producer, int index) {
        byte[] record = new byte[PAYLOAD];
        ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).putInt(producer).putInt(index);
        byte[] text = ("producer " + producer + " record " + index).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, record, 8, Math.min(text.length, PAYLOAD - 8));
        Arrays.fill(record, 8 + text.length, PAYLOAD, (byte) index);
        return record;
    }

}
