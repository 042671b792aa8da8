package dev.logbuf.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample over real HTTP: {@code POST /events}, {@code POST /debug/stall}, the audit
 * archive (read back with the core's {@code ArchiveReader}), and what actuator shows. The
 * audit ring is shrunk to 64KB and its stall timeout to 1s to keep the run short.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "logbuf.rings.audit.capacity=64KB", "logbuf.rings.audit.stall-timeout=1s" })
class SampleApplicationTests {

    private static final int MAX_RECORD_LENGTH = 64 * 1024 / 2 - 8;

    private static final Path ARCHIVE = SampleArchive.newDirectory("logbuf-sample-archive");

    /**
     * How long a debug hold lasts at most: the tests release theirs
     * ({@code /debug/stall/release}) once they have seen what the hold is for.
     */
    private static final long HOLD_CAP_MS = 60_000;

    @LocalServerPort
    private int port;

    private SampleHttp http;

    @DynamicPropertySource
    static void archiveDirectory(DynamicPropertyRegistry registry) {
        SampleArchive.register(registry, ARCHIVE);
    }

    @BeforeEach
    void connect() throws Exception {
        this.http = new SampleHttp(this.port);
        awaitAuditUp();
    }

    @AfterEach
    void leaveTheRingHealthy() throws Exception {
        // a hold a test left (it failed before releasing it) is committed now
        this.http.post("/debug/stall/release?ring=audit", new byte[0]);
        awaitAuditUp();
    }

    @Test
    void concurrentEventsAreAllArchivedInPerClientOrder() throws Exception {
        String run = UUID.randomUUID().toString();
        int clients = 8;
        int eventsPerClient = 100;
        ExecutorService executor = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Integer>>> statuses = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                statuses.add(executor.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < eventsPerClient; i++) {
                        byte[] body = (run + " client=" + client + " seq=" + i).getBytes(StandardCharsets.UTF_8);
                        codes.add(this.http.post("/events", body).statusCode());
                    }
                    return codes;
                }));
            }
            for (Future<List<Integer>> codes : statuses) {
                assertThat(codes.get()).containsOnly(202);
            }
        }
        finally {
            executor.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> archivedTexts(run).size() == clients * eventsPerClient);
        Map<String, Integer> nextSeq = new HashMap<>();
        for (String text : archivedTexts(run)) {
            String[] parts = text.split(" ");
            int seq = Integer.parseInt(parts[2].substring("seq=".length()));
            assertThat(seq).as(text).isEqualTo(nextSeq.getOrDefault(parts[1], 0));
            nextSeq.put(parts[1], seq + 1);
        }
        assertThat(nextSeq).hasSize(clients).allSatisfy((client, next) -> assertThat(next).isEqualTo(eventsPerClient));
    }

    @Test
    void aFormEncodedBodyIsArchivedExactlyAsSent() throws Exception {
        String run = UUID.randomUUID().toString();
        String text = run + " user=alice action=login&note=a+b%20c";
        HttpResponse<String> response = this.http.post("/events", "application/x-www-form-urlencoded",
                text.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> archivedTexts(run).equals(List.of(text)));
    }

    @Test
    void emptyAndOversizedBodiesAreRejectedWith400() throws Exception {
        HttpResponse<String> empty = this.http.post("/events", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(SampleHttp.json(empty).get("detail").asString()).contains("has 0 bytes",
                "1 to " + MAX_RECORD_LENGTH + " bytes");
        HttpResponse<String> oversized = this.http.post("/events", new byte[MAX_RECORD_LENGTH + 1]);
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(SampleHttp.json(oversized).get("detail").asString())
            .contains("has " + (MAX_RECORD_LENGTH + 1) + " bytes", "1 to " + MAX_RECORD_LENGTH + " bytes");
        byte[] largest = new byte[MAX_RECORD_LENGTH];
        Arrays.fill(largest, (byte) 'x');
        assertThat(this.http.post("/events", largest).statusCode()).isEqualTo(202);
    }

    @Test
    void theControllerExampleOfTheDocsAcceptsRawBodiesAndAnswers400ForEmptyAndOversizedOnes() throws Exception {
        String run = UUID.randomUUID().toString();
        String text = run + " from the docs' controller&x=a+b";
        assertThat(this.http.post("/audit", "application/x-www-form-urlencoded", text.getBytes(StandardCharsets.UTF_8))
            .statusCode()).isEqualTo(202);
        HttpResponse<String> oversized = this.http.post("/audit", new byte[MAX_RECORD_LENGTH + 1]);
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(oversized.body()).isEqualTo("An event has 1 to " + MAX_RECORD_LENGTH + " bytes");
        assertThat(this.http.post("/audit", new byte[0]).statusCode()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> archivedTexts(run).equals(List.of(text)));
    }

    @Test
    void aFullRingAnswers503AndCountsTheRejection() throws Exception {
        double rejectedBefore = measurement("logbuf.claims.rejected");
        // the held claim at the head keeps the drain loop from freeing space until it is
        // released (the hold's length is only a cap)
        assertThat(this.http.post("/debug/stall?ring=audit&ms=" + HOLD_CAP_MS, new byte[0]).statusCode())
            .isEqualTo(202);
        String run = UUID.randomUUID().toString();
        byte[] padding = new byte[4000];
        Arrays.fill(padding, (byte) '.');
        List<String> accepted = new ArrayList<>();
        HttpResponse<String> full = null;
        for (int i = 0; i < 64 && full == null; i++) {
            String text = run + " " + i + " " + new String(padding, StandardCharsets.US_ASCII);
            HttpResponse<String> response = this.http.post("/events", text.getBytes(StandardCharsets.US_ASCII));
            if (response.statusCode() == 503) {
                full = response;
            }
            else {
                assertThat(response.statusCode()).isEqualTo(202);
                accepted.add(text);
            }
        }
        assertThat(full).as("a 503 once 64KB are taken").isNotNull();
        assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(SampleHttp.json(full).get("detail").asString()).contains("audit ring is full");
        // 64KB over records of 4000+ bytes: at most 16 fit
        assertThat(accepted).hasSizeBetween(10, 16);
        assertThat(measurement("logbuf.claims.rejected")).isGreaterThanOrEqualTo(rejectedBefore + 1);
        assertThat(releaseHolds()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> archivedTexts(run).equals(accepted));
    }

    @Test
    void stallTurnsTheAuditHealthDownWithDetailsAndUpAgainAfterTheCommit() throws Exception {
        // held until released below: DOWN from stall-timeout (1s) after the claim on
        HttpResponse<String> stall = this.http.post("/debug/stall?ring=audit&ms=" + HOLD_CAP_MS, new byte[0]);
        assertThat(stall.statusCode()).isEqualTo(202);
        assertThat(SampleHttp.json(stall).get("claimantThread").asString()).isEqualTo("debug-stall-audit");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> response = this.http.get("/actuator/health/logbuf/audit");
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode health = SampleHttp.json(response);
            assertThat(health.get("status").asString()).isEqualTo("DOWN");
            JsonNode details = health.get("details");
            assertThat(details.get("stalledForMs").asLong()).isGreaterThanOrEqualTo(1000);
            assertThat(details.get("stalledAtPosition").isNumber()).isTrue();
            assertThat(details.get("claimantThread").asString()).isEqualTo("debug-stall-audit");
            assertThat(details.get("drainRunning").asBoolean()).isTrue();
            assertThat(details.propertyNames()).contains("type", "capacity", "usedBytes", "producerPosition",
                    "consumerPosition", "drainRunning");
        });
        JsonNode overall = this.http.getJson("/actuator/health");
        assertThat(overall.at("/components/logbuf/components/audit/status").asString()).isEqualTo("DOWN");
        // the claim is committed before the answer
        assertThat(releaseHolds()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = this.http.get("/actuator/health/logbuf/audit");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode health = SampleHttp.json(response);
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("details").propertyNames()).doesNotContain("stalledForMs", "stalledAtPosition",
                    "claimantThread", "archiveError");
            assertThat(health.at("/details/archiveDirectory").asString())
                .isEqualTo(ARCHIVE.toAbsolutePath().toString());
        });
    }

    @Test
    void debugStallRefusesBadArguments() throws Exception {
        assertThat(this.http.post("/debug/stall?ring=audit&ms=0", new byte[0]).statusCode()).isEqualTo(400);
        assertThat(this.http.post("/debug/stall?ring=nope&ms=10", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(this.http.post("/debug/stall/release?ring=nope", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(releaseHolds()).isZero();
    }

    @Test
    void everyRingMeterIsListedUnderActuatorMetricsWithRingAndTypeTags() throws Exception {
        assertThat(this.http.post("/events", "meter me".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        JsonNode names = this.http.getJson("/actuator/metrics").get("names");
        Set<String> listed = new java.util.HashSet<>();
        names.forEach((name) -> listed.add(name.asString()));
        assertThat(listed).contains("logbuf.ring.capacity", "logbuf.ring.used", "logbuf.records.consumed",
                "logbuf.bytes.consumed", "logbuf.claims.rejected", "logbuf.drain.errors", "logbuf.ring.stalled",
                "logbuf.archive.bytes.written", "logbuf.archive.segments", "logbuf.archive.flush");
        JsonNode capacity = this.http.getJson("/actuator/metrics/logbuf.ring.capacity?tag=ring:audit");
        assertThat(capacity.get("baseUnit").asString()).isEqualTo("bytes");
        assertThat(capacity.at("/measurements/0/value").asDouble()).isEqualTo(65536.0);
        JsonNode tags = capacity.get("availableTags");
        assertThat(tags.toString()).contains("\"type\"", "\"mpsc\"");
        await().atMost(Duration.ofSeconds(5))
            .until(() -> measurement("logbuf.records.consumed") >= 1 && measurement("logbuf.bytes.consumed") >= 16);
        assertThat(this.http.get("/actuator/metrics/logbuf.ring.used?tag=ring:audit").statusCode()).isEqualTo(200);
        assertThat(measurement("logbuf.ring.stalled")).isZero();
    }

    @Test
    void logbufEndpointDescribesAllRingsAndOneRing() throws Exception {
        JsonNode all = this.http.getJson("/actuator/logbuf");
        assertThat(all.get("rings").propertyNames()).containsExactly("audit", "logs"); // logs:
                                                                                       // SampleLoggingTests
        JsonNode audit = all.at("/rings/audit");
        assertThat(audit.get("type").asString()).isEqualTo("mpsc");
        assertThat(audit.get("capacity").asInt()).isEqualTo(65536);
        assertThat(audit.get("maxRecordLength").asInt()).isEqualTo(MAX_RECORD_LENGTH);
        assertThat(audit.propertyNames()).doesNotContain("handler");
        assertThat(audit.at("/archive/directory").asString()).isEqualTo(ARCHIVE.toAbsolutePath().toString());
        assertThat(audit.at("/archive/flush").asString()).isEqualTo("batch");
        assertThat(audit.at("/archive/open").asBoolean()).isTrue();
        assertThat(audit.get("drainRunning").asBoolean()).isTrue();
        assertThat(audit.get("stalled").asBoolean()).isFalse();
        assertThat(audit.propertyNames()).contains("producerPosition", "consumerPosition", "usedBytes",
                "claimsRejected", "recordsConsumed", "bytesConsumed", "drainErrors");
        // null members are left out: no claim blocks the head now
        assertThat(audit.propertyNames()).doesNotContain("blockedClaim");
        JsonNode one = this.http.getJson("/actuator/logbuf/audit");
        assertThat(one.get("capacity").asInt()).isEqualTo(65536);
        assertThat(this.http.get("/actuator/logbuf/nope").statusCode()).isEqualTo(404);
    }

    /**
     * Ends the audit ring's debug holds: their claims are committed before the answer.
     */
    private int releaseHolds() throws Exception {
        HttpResponse<String> response = this.http.post("/debug/stall/release?ring=audit", new byte[0]);
        assertThat(response.statusCode()).isEqualTo(200);
        return SampleHttp.json(response).get("released").asInt();
    }

    private double measurement(String meter) throws Exception {
        return this.http.getJson("/actuator/metrics/" + meter + "?tag=ring:audit")
            .at("/measurements/0/value")
            .asDouble();
    }

    private void awaitAuditUp() {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(this.http::auditUp);
    }

    /** The archived texts of one test run, in archive order. */
    private static List<String> archivedTexts(String run) {
        return SampleArchive.texts(ARCHIVE, run);
    }

}
