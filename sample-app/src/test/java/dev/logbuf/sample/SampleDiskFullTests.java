package dev.logbuf.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import dev.logbuf.archive.ArchiveTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with its archive on a real 2 MB tmpfs, under HTTP load from several clients
 * until the disk is full: the drain's writes fail, the ring fills and producers get
 * {@code 503}, health is {@code DOWN} with the error; then space is freed and the app
 * stopped gracefully. Every event answered {@code 202} must be in the archive exactly
 * once, in its client's order, each client's sequences contiguous, {@code ArchiveTool
 * verify} clean and {@code logbuf.archive.records.dropped} 0 ({@code docs/starter.md},
 * "Archive").
 */
class SampleDiskFullTests {

    private static final int CLIENTS = 4;

    /** Events acknowledged after the space came back, before the graceful stop. */
    private static final int EVENTS_AFTER_SPACE_RETURNS = 400;

    @TempDir
    Path temp;

    @Test
    void aFullDiskLosesNoAcknowledgedEventAndEachLandsOnceInOrderOnceSpaceReturns() throws Exception {
        try (SmallFilesystem disk = SmallFilesystem.mount(this.temp.resolve("disk"), "2m")) {
            Path archive = disk.path().resolve("audit");
            Path filler = disk.path().resolve("filler");
            // leave room for a couple of thousand events, so the disk fills in seconds
            writeFiller(filler, disk.freeBytes() - 160 * 1024);
            ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
                    "--server.port=0", "--logbuf.rings.audit.archive.directory=" + archive,
                    "--logbuf.rings.audit.file=" + this.temp.resolve("audit.ring"),
                    "--logbuf.rings.audit.capacity=64KB", "--sample.debug-endpoints=false");
            try {
                run(context, disk, archive, filler);
            }
            finally {
                context.close();
            }
            verifyArchive(archive);
        }
    }

    private void run(ConfigurableApplicationContext context, SmallFilesystem disk, Path archive, Path filler)
            throws Exception {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        SampleHttp http = new SampleHttp(port);
        EventLoad load = new EventLoad(UUID.randomUUID().toString(), CLIENTS, port, false);
        this.load = load;
        load.start();
        // the disk fills: the archive's writes fail, health says why
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode health = auditHealth(http);
            assertThat(health.get("status").asString()).isEqualTo("DOWN");
            assertThat(health.at("/details/archiveError").asString()).contains("No space left on device");
        });
        // from now on a client that finds the ring full waits: the ring fills, since
        // nothing leaves it while the disk is full
        load.closeRingFullGate();
        await().atMost(Duration.ofMinutes(2)).until(() -> load.waitingAtRingFullGate() == CLIENTS);
        long rejectedWhileFull = load.ringFullCount();
        assertThat(rejectedWhileFull).isPositive();
        JsonNode stillDown = auditHealth(http);
        assertThat(stillDown.get("status").asString()).isEqualTo("DOWN");
        assertThat(stillDown.at("/details/archiveError").asString()).contains("No space left on device")
            .contains(archive.toString());
        assertThat(measurement(http, "logbuf.claims.rejected")).isGreaterThanOrEqualTo(rejectedWhileFull);
        long acknowledgedWhileFull = load.acknowledgedCount();
        long freeWhileFull = disk.freeBytes();
        // space comes back: the records waiting in the ring land, the clients go on
        Files.delete(filler);
        load.openRingFullGate();
        await().atMost(Duration.ofMinutes(1))
            .until(() -> load.acknowledgedCount() >= acknowledgedWhileFull + EVENTS_AFTER_SPACE_RETURNS);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(auditHealth(http).get("status").asString()));
        load.close();
        double dropped = measurement(http, "logbuf.archive.records.dropped");
        assertThat(dropped).isZero();
        this.figures = String.format(
                "disk full (2 MB tmpfs, %d clients): accepted %d (%d before the disk was full and the ring too,"
                        + " %d bytes free then), 503s %d, dropped %.0f",
                CLIENTS, load.acknowledgedCount(), acknowledgedWhileFull, freeWhileFull, load.ringFullCount(), dropped);
    }

    private EventLoad load;

    private String figures;

    private void verifyArchive(Path archive) {
        // stopped gracefully: every record drained, the archive closed
        List<byte[]> records = SampleArchive.readClosed(archive);
        AuditTally tally = AuditTally.of(records, this.load);
        System.out.println(this.figures + ", archived " + tally.archived() + ", duplicates " + tally.duplicates()
                + ", missing " + tally.missing());
        assertThat(tally.duplicates()).isZero();
        assertThat(tally.missing()).isZero();
        assertThat(tally.outOfOrder()).isZero();
        // no outcome was unknown (the app never died): exactly the acknowledged events,
        // each client's sequences contiguous from 0
        assertThat(tally.archived()).isEqualTo(this.load.acknowledgedCount());
        for (int c = 0; c < CLIENTS; c++) {
            int acknowledged = this.load.acknowledged(c).size();
            assertThat(tally.perClient().get(c)).as("client %d", c)
                .containsExactlyElementsOf(LongStream.range(0, acknowledged).boxed().toList());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ArchiveTool.run(new String[] { "verify", archive.toString() },
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("ArchiveTool verify: %s %s", out, err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: " + records.size() + " records");
    }

    private static JsonNode auditHealth(SampleHttp http) throws Exception {
        return http.getJson("/actuator/health/logbuf/audit");
    }

    private static double measurement(SampleHttp http, String meter) throws Exception {
        return http.getJson("/actuator/metrics/" + meter + "?tag=ring:audit").at("/measurements/0/value").asDouble();
    }

    private static void writeFiller(Path filler, long bytes) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

}
