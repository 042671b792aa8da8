package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that writes at full speed with {@link FlushPolicy#BATCH} ({@code SIGKILL},
 * no shutdown hook runs), three times in a row on the same archive. After each kill,
 * reopening the archive must leave it whole ({@code verify} passes) and every record the
 * child reported flushed must be there exactly once.
 */
class ArchiveCrashTest {

    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void everyRecordReportedFlushedSurvivesSigkillExactlyOnceAndVerifyPasses() throws Exception {
        Random random = new Random(9L);
        long previousFlushed = -1;
        for (int kill = 1; kill <= KILLS; kill++) {
            Child child = Child.start(dir);
            // a random point past a few segments' worth of records (about 3,400 records
            // per segment)
            long target = previousFlushed + 8_000 + random.nextInt(12_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> child.flushed.get() >= target);
            child.process.destroyForcibly();
            child.process.waitFor();
            child.reader.join(10_000);
            long flushed = child.flushed.get();
            assertThat(child.startSequence).as("kill %d: the child continued after the last flushed record", kill)
                .isGreaterThan(previousFlushed);

            // restart: the writer recovers the archive, then the archive must be whole
            long cut;
            long next;
            try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
                cut = writer.recoveredTornTail().map(ArchiveProblem::length).orElse(0L);
                next = writer.nextSequence();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ArchiveTool.run(new String[] { "verify", dir.toString() },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).as("verify after kill %d: %s", kill, err.toString(StandardCharsets.UTF_8)).isZero();

            long expected = 0;
            for (ArchiveRecord record : ArchiveReader.open(dir)) {
                assertThat(record.sequence()).isEqualTo(expected);
                assertThat(record.toByteArray()).as("record %d", expected).isEqualTo(payload(expected));
                expected++;
            }
            assertThat(expected).as("records present after kill %d", kill).isEqualTo(next).isGreaterThan(flushed);
            System.out.printf(
                    "crash %d: child started at %d, reported flushed up to %d, archive holds %d records"
                            + " (%d written after the last reported flush), torn tail cut %d bytes, %d segments%n",
                    kill, child.startSequence, flushed, next, next - 1 - flushed, cut,
                    ArchiveReader.open(dir).segments().size());
            previousFlushed = flushed;
        }
    }

    /** A running {@link ArchiveCrashChild} and what it has reported so far. */
    private static final class Child {

        final Process process;

        final AtomicLong flushed = new AtomicLong(-1);

        final Thread reader;

        volatile long startSequence = -1;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::readReports, "crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path dir) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    ArchiveCrashChild.class.getName(), dir.toString());
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            return new Child(builder.start());
        }

        private void readReports() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("flushed ")) {
                        // max: the last line may be cut short by the kill ("flushed 12"
                        // of "flushed 1234")
                        long reported = Long.parseLong(line.substring(8));
                        flushed.accumulateAndGet(reported, Math::max);
                    }
                    else if (line.startsWith("start ")) {
                        startSequence = Long.parseLong(line.split(" ")[1]);
                    }
                }
            }
            catch (IOException | NumberFormatException e) {
                // the child was killed mid-line: what was read before stands
            }
        }

    }

}
