package dev.logbuf.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /events?durable=true} over real HTTP: {@code 202} only once the event is in
 * the archive on disk, {@code 400} for a bad {@code durable} value
 * ({@code docs/starter.md}, "The sample app"). {@code sample.durable-timeout} is generous
 * here, so that a slow force on a busy disk is no {@code 503}; the {@code 503} for an
 * event not on disk in time is {@link SampleDurableTimeoutTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "logbuf.rings.audit.capacity=64KB",
        "logbuf.rings.audit.stall-timeout=1s", "sample.durable-timeout=30s" })
class SampleDurableEventsTests {

    private static final Path ARCHIVE = SampleArchive.newDirectory("logbuf-sample-durable");

    @LocalServerPort
    private int port;

    private SampleHttp http;

    @DynamicPropertySource
    static void archiveDirectory(DynamicPropertyRegistry registry) {
        SampleArchive.register(registry, ARCHIVE);
    }

    @BeforeEach
    void connect() {
        // longer than sample.durable-timeout: a late force answers 503, not a client
        // time-out
        this.http = new SampleHttp(this.port, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(this.http::auditUp);
    }

    @AfterEach
    void leaveTheRingEmpty() {
        // a claim a test held is committed and drained
        await().atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> this.http.getJson("/actuator/logbuf/audit").get("usedBytes").asLong() == 0);
    }

    @Test
    void aDurableEventIsInTheArchiveWhenTheAnswerArrives() throws Exception {
        String text = UUID.randomUUID() + " durable";
        HttpResponse<String> response = this.http.post("/events?durable=true", text.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(202);
        // no waiting: it is written and forced before the answer
        assertThat(archivedTexts()).contains(text);
    }

    @Test
    void aFormEncodedDurableEventIsArchivedExactlyAsSent() throws Exception {
        // the durable flag is read from the query string: reading request parameters
        // would parse the form body and leave no event to store
        String text = UUID.randomUUID() + " user=alice&action=login+now";
        HttpResponse<String> response = this.http.post("/events?durable=true", "application/x-www-form-urlencoded",
                text.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(archivedTexts()).contains(text);
    }

    @Test
    void aDurableValueOtherThanTrueOrFalseIs400() throws Exception {
        HttpResponse<String> response = this.http.post("/events?durable=maybe", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SampleHttp.json(response).get("detail").asString()).isEqualTo("durable is 'maybe'; it must be"
                + " true (answer once the event is on disk) or false (once it is in the ring)");
        assertThat(this.http.post("/events?durable=false", "plain".getBytes(StandardCharsets.UTF_8)).statusCode())
            .isEqualTo(202);
    }

    @Test
    void aDurableTimeoutOutOfRangeStopsStartUpNamingTheProperty(@org.junit.jupiter.api.io.TempDir Path temp) {
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
                    "--logbuf.rings.audit.archive.directory=" + temp.resolve("archive"),
                    "--logbuf.rings.audit.file=" + temp.resolve("audit.ring"), "--sample.durable-timeout=0s"))
            .havingRootCause()
            .withMessage("sample.durable-timeout is PT0S; it must be from 1ms to 5m (how long POST"
                    + " /events?durable=true waits for the disk), for example 5s");
    }

    private static List<String> archivedTexts() {
        return SampleArchive.texts(ARCHIVE, "");
    }

}
