package dev.logbuf.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.logbuf.spring.boot.LogbufNanoClock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /debug/stall?die=true}: the claiming thread ends without committing. The
 * audit ring's health turns {@code DOWN} with {@code claimantAlive=false} at once, events
 * posted meanwhile wait behind the dead claim, and once it has blocked the ring for
 * {@code stall-timeout} (2s on a clock the test moves) the drain loop unblocks it: health
 * {@code UP}, every event archived in order, the dead record not.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "logbuf.rings.audit.capacity=64KB", "logbuf.rings.audit.stall-timeout=2s" })
class SampleDeadClaimTests {

    private static final Path ARCHIVE = SampleArchive.newDirectory("logbuf-sample-dead-claim");

    private static final AtomicLong NANOS = new AtomicLong(1_000_000_000L);

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void files(DynamicPropertyRegistry registry) {
        registry.add("logbuf.rings.audit.archive.directory", () -> ARCHIVE.resolve("archive"));
        registry.add("logbuf.rings.audit.file", () -> ARCHIVE.resolve("audit.ring"));
    }

    @Test
    void aDeadClaimantTurnsHealthDownUntilTheDrainLoopUnblocksItAndEveryEventPostedMeanwhileIsArchived()
            throws Exception {
        SampleHttp http = new SampleHttp(this.port);
        HttpResponse<String> stall = http.post("/debug/stall?ring=audit&ms=1&die=true", new byte[0]);
        assertThat(stall.statusCode()).isEqualTo(202);
        long claimant = SampleHttp.json(stall).get("claimantThreadId").asLong();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = http.get("/actuator/health/logbuf/audit");
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode details = SampleHttp.json(response).get("details");
            assertThat(details.get("claimantAlive").asBoolean()).isFalse();
            assertThat(details.get("claimantThreadId").asLong()).isEqualTo(claimant);
            assertThat(details.get("claimantThread").asString()).isEqualTo("debug-stall-audit");
            // the test's clock stands still until it moves it: DOWN for the dead claimant
            assertThat(details.get("stalledForMs").asLong()).isZero();
        });
        String run = UUID.randomUUID().toString();
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String text = run + " event " + i;
            assertThat(http.post("/events", text.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
            posted.add(text);
        }
        // behind the dead claim: nothing of this run is archived yet
        assertThat(archivedTexts(run)).isEmpty();
        assertThat(http.get("/actuator/health/logbuf/audit").statusCode()).isEqualTo(503);
        // the readiness group includes logbuf: a stalled ring is not ready for traffic
        HttpResponse<String> readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(SampleHttp.json(readiness).at("/components/logbuf/status").asString()).isEqualTo("DOWN");
        NANOS.addAndGet(Duration.ofSeconds(2).toNanos());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = http.get("/actuator/health/logbuf/audit");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(SampleHttp.json(response).get("details").propertyNames()).doesNotContain("claimantAlive");
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> archivedTexts(run).equals(posted));
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(SampleArchive.readWhileWriting(ARCHIVE.resolve("archive")))
            .noneSatisfy((record) -> assertThat(new String(record, StandardCharsets.US_ASCII)).contains("then died"));
        JsonNode unblocked = http.getJson("/actuator/metrics/logbuf.claims.unblocked?tag=ring:audit");
        assertThat(unblocked.at("/measurements/0/value").asDouble()).isEqualTo(1.0);
    }

    private static List<String> archivedTexts(String run) {
        return SampleArchive.texts(ARCHIVE.resolve("archive"), run);
    }

    /** The stall clock of the rings: moved by the test, not by time. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Clock {

        @Bean
        LogbufNanoClock logbufNanoClock() {
            return NANOS::get;
        }

    }

}
