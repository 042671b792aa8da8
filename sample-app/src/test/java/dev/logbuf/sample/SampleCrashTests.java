package dev.logbuf.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.logbuf.archive.ArchiveTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample killed with {@code SIGKILL} under HTTP load from 8 clients, as a child JVM
 * with the file-backed {@code audit} ring of its {@code application.yml}
 * ({@code docs/starter.md}, "The sample app"):
 * <ul>
 * <li>plain {@code 202}s: after each restart every event acknowledged before the kill is
 * in the archive exactly once (the ring file kept what was not yet archived; the archive
 * skips what it had already written);</li>
 * <li>{@code durable=true} {@code 202}s: in the archive right after the kill, before any
 * restart, and still after the ring file is deleted.</li>
 * </ul>
 * Rounds: {@code -Dsample.crash.rounds} (default 8, about a minute); the kill comes after
 * a random number of acknowledged events (seed printed, {@code -Dsample.crash.seed}
 * repeats a run).
 */
class SampleCrashTests {

    private static final int CLIENTS = 8;

    @TempDir
    Path work;

    @Test
    void killMinus9UnderLoadLosesNoAcknowledgedEventAndArchivesNoneTwice() throws Exception {
        int rounds = Integer.getInteger("sample.crash.rounds", 8);
        long seed = Long.getLong("sample.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path archive = this.work.resolve("data/archive/audit");
        System.out.println("kill -9 under load: " + rounds + " rounds, seed " + seed);
        SampleProcess app = SampleProcess.start(this.work);
        EventLoad load = new EventLoad(UUID.randomUUID().toString(), CLIENTS, app.port(), false);
        load.start();
        try {
            for (int round = 1; round <= rounds; round++) {
                long before = load.acknowledgedCount();
                long killAt = before + 200 + random.nextInt(1800);
                await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> load.acknowledgedCount() >= killAt);
                app.kill();
                // the clients wait for the restart: what they were told is settled now
                long acknowledged = load.acknowledgedCount();
                app = SampleProcess.start(this.work);
                // the records the ring file kept drain first
                AtomicReference<AuditTally> recovered = new AtomicReference<>();
                // read while the app writes: a batch being appended may show as damage
                // for a moment; the final read of the closed archive admits none
                await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
                    recovered.set(AuditTally.of(SampleArchive.readWhileWriting(archive), load));
                    return recovered.get().missing() == 0;
                });
                AuditTally tally = recovered.get();
                JsonNode ring = new SampleHttp(app.port()).getJson("/actuator/logbuf/audit");
                System.out.printf("round %d: acknowledged %d (this round %d), archived %d, duplicates %d,"
                        + " missing %d, unknown outcomes so far %d; the restart found %d records in the ring file,"
                        + " the archive skipped %d it already held%n", round, acknowledged, acknowledged - before,
                        tally.archived(), tally.duplicates(), tally.missing(), load.failedCount(),
                        ring.at("/recovery/records").asLong(), ring.at("/archive/recordsSkipped").asLong());
                assertThat(tally.duplicates()).as("duplicates after round %d", round).isZero();
                assertThat(tally.outOfOrder()).as("out of order after round %d", round).isZero();
                load.restarted(app.port());
            }
            long last = load.acknowledgedCount();
            await().atMost(Duration.ofMinutes(2)).until(() -> load.acknowledgedCount() >= last + 500);
        }
        finally {
            load.close();
        }
        int status = app.stop();
        assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
        List<byte[]> records = SampleArchive.readClosed(archive);
        AuditTally tally = AuditTally.of(records, load);
        System.out.printf(
                "after %d kills and a graceful stop: acknowledged %d, archived %d, duplicates %d,"
                        + " missing %d, unknown outcomes %d%n",
                rounds, load.acknowledgedCount(), tally.archived(), tally.duplicates(), tally.missing(),
                load.failedCount());
        assertThat(tally.missing()).isZero();
        assertThat(tally.duplicates()).isZero();
        assertThat(tally.outOfOrder()).isZero();
        // archived: the acknowledged events, plus at most one event per client whose
        // answer the kill cut off
        assertThat(tally.archived()).isBetween(load.acknowledgedCount(), load.acknowledgedCount() + load.failedCount());
        assertVerifyClean(archive, records.size());
        assertThat(app.log()).contains("closed after record");
    }

    @Test
    void durablyAcknowledgedEventsAreInTheArchiveAfterKillMinus9EvenWithoutTheRingFile() throws Exception {
        Random random = new Random();
        Path archive = this.work.resolve("data/archive/audit");
        Path ringFile = this.work.resolve("data/rings/audit.ring");
        SampleProcess app = SampleProcess.start(this.work);
        EventLoad load = new EventLoad(UUID.randomUUID().toString(), CLIENTS, app.port(), true);
        load.start();
        long acknowledged;
        try {
            long killAt = 200 + random.nextInt(800);
            await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> load.acknowledgedCount() >= killAt);
            app.kill();
            acknowledged = load.acknowledgedCount();
            // on disk means: the archive alone has them, whatever became of the ring
            Files.delete(ringFile);
            AuditTally afterKill = AuditTally.of(SampleArchive.readWhileWriting(archive), load);
            System.out.printf(
                    "durable=true, kill -9, ring file deleted: acknowledged %d, archived %d,"
                            + " missing %d, duplicates %d, not durable in time %d%n",
                    acknowledged, afterKill.archived(), afterKill.missing(), afterKill.duplicates(),
                    load.notDurableCount());
            assertThat(afterKill.missing()).isZero();
            assertThat(afterKill.duplicates()).isZero();
            app = SampleProcess.start(this.work);
            load.restarted(app.port());
            await().atMost(Duration.ofMinutes(2)).until(() -> load.acknowledgedCount() >= acknowledged + 200);
        }
        finally {
            load.close();
        }
        assertThat(app.stop()).isIn(0, 143);
        List<byte[]> records = SampleArchive.readClosed(archive);
        AuditTally tally = AuditTally.of(records, load);
        assertThat(tally.missing()).isZero();
        assertThat(tally.duplicates()).isZero();
        assertVerifyClean(archive, records.size());
    }

    private static void assertVerifyClean(Path archive, int records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ArchiveTool.run(new String[] { "verify", archive.toString() },
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("ArchiveTool verify: %s %s", out, err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: " + records + " records");
    }

}
