package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable acknowledgement: a waiter is answered only after a force that covers its
 * record, one force answers every waiter of a batch (group commit), the writer forces for
 * waiters whatever its flush policy, and acknowledged records survive SIGKILL.
 */
class ArchiveDurableAckTest {

    @TempDir
    Path dir;

    private final AtomicInteger forces = new AtomicInteger();

    private ArchiveWriter open(FlushPolicy policy) {
        return ArchiveWriter.builder(dir).flushPolicy(policy).listener(new ArchiveListener() {
            @Override
            public void onFlush(long durationNanos, long flushedSequence) {
                forces.incrementAndGet();
            }
        }).open();
    }

    private static void record(ArchiveWriter writer, long position) {
        writer.onRecord(ByteBuffer.wrap(new byte[] { (byte) position }), 0, 1, position);
    }

    @Test
    void oneForceAnswersEveryWaiterOfTheBatchEvenWhenThePolicyNeverForces() throws Exception {
        try (ArchiveWriter writer = open(FlushPolicy.NONE)) {
            writer.onStart(1);
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (long position = 0; position < 10 * 16; position += 16) {
                waiting.add(writer.whenDurable(position));
            }
            CompletableFuture<Void> later = writer.whenDurable(10 * 16);
            for (long position = 0; position < 10 * 16; position += 16) {
                record(writer, position);
            }
            assertThat(waiting).noneMatch(CompletableFuture::isDone);
            writer.endOfBatch();

            assertThat(forces).as("one force for ten waiters").hasValue(1);
            assertThat(waiting).allMatch(future -> future.isDone() && !future.isCompletedExceptionally());
            assertThat(writer.durablePosition()).isEqualTo(9 * 16);
            assertThat(later).as("its record is not written yet").isNotDone();

            record(writer, 10 * 16);
            writer.endOfBatch();
            assertThat(later).isDone();
            assertThat(writer.whenDurable(0)).as("already durable: answered at once").isDone();
            assertThat(writer.awaitDurable(16, Duration.ofMillis(1))).isTrue();
            assertThat(forces).hasValue(2);

            record(writer, 11 * 16);
            writer.endOfBatch();
            assertThat(forces).as("nobody waits and the policy is NONE: no force").hasValue(2);
        }
    }

    @Test
    void aWaiterTimesOutWhileItsRecordIsNotWrittenAndClosingAnswersTheRestWithAFailure() throws Exception {
        ArchiveWriter writer = open(FlushPolicy.BATCH);
        writer.onStart(1);
        assertThat(writer.awaitDurable(64, Duration.ofMillis(20))).isFalse();
        CompletableFuture<Void> pending = writer.whenDurable(128);
        writer.close();
        assertThatThrownBy(pending::get).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(ArchiveException.class)
            .hasMessageContaining("closed before the record was forced");
        assertThatThrownBy(() -> writer.awaitDurable(256, Duration.ofSeconds(1))).isInstanceOf(ArchiveException.class);
    }

    @Test
    void recordsAcknowledgedDurableSurviveSigkillOfTheProcess() throws Exception {
        Path archive = dir.resolve("archive");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ArchiveDurableChild.class.getName(), archive.toString(), "8")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] words = line.split(" ");
                    if (words.length == 3 && words[0].equals("durable")) {
                        acknowledged.add(key(Integer.parseInt(words[1]), Integer.parseInt(words[2])));
                    }
                }
            }
            catch (IOException | NumberFormatException e) {
                // killed mid-line: what was read before stands
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 3000);
        child.destroyForcibly();
        child.waitFor();
        reader.join(10_000);

        Set<Long> archived = new HashSet<>();
        for (ArchiveRecord record : ArchiveReader.open(archive)) {
            ByteBuffer payload = record.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            assertThat(archived.add(key(payload.getInt(0), payload.getInt(4)))).isTrue();
        }
        Set<Long> missing = new HashSet<>(acknowledged);
        missing.removeAll(archived);
        System.out.printf("durable ack: %d records acknowledged durable before SIGKILL, %d archived, %d missing%n",
                acknowledged.size(), archived.size(), missing.size());
        assertThat(missing).isEmpty();
    }

    private static long key(int thread, int index) {
        return ((long) thread << 32) | index;
    }

}
