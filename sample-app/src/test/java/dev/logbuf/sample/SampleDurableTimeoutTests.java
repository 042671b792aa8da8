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
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /events?durable=true} over real HTTP when the event is not on disk within
 * {@code sample.durable-timeout} (short here, 500ms): {@code 503} with
 * {@code "accepted": true}, and the event is archived later ({@code docs/starter.md},
 * "The sample app"). The {@code 202} cases, with a generous timeout, are
 * {@link SampleDurableEventsTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "logbuf.rings.audit.capacity=64KB",
        "logbuf.rings.audit.stall-timeout=1s", "sample.durable-timeout=500ms" })
class SampleDurableTimeoutTests {

    private static final Path ARCHIVE = SampleArchive.newDirectory("logbuf-sample-durable-timeout");

    @LocalServerPort
    private int port;

    private SampleHttp http;

    @DynamicPropertySource
    static void archiveDirectory(DynamicPropertyRegistry registry) {
        SampleArchive.register(registry, ARCHIVE);
    }

    @BeforeEach
    void connect() {
        this.http = new SampleHttp(this.port);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(this.http::auditUp);
    }

    @AfterEach
    void leaveTheRingEmpty() throws Exception {
        // a claim a test held is committed (if the test did not get to release it) and
        // drained
        this.http.post("/debug/stall/release?ring=audit", new byte[0]);
        await().atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> this.http.getJson("/actuator/logbuf/audit").get("usedBytes").asLong() == 0);
    }

    @Test
    void aDurableEventNotOnDiskInTimeIs503AcceptedAndIsArchivedLater() throws Exception {
        // a claim held at the head until released keeps the drain loop from archiving
        // anything (60s is only a cap)
        assertThat(this.http.post("/debug/stall?ring=audit&ms=60000", new byte[0]).statusCode()).isEqualTo(202);
        String text = UUID.randomUUID() + " waits";
        HttpResponse<String> response = this.http.post("/events?durable=true", text.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode problem = SampleHttp.json(response);
        assertThat(problem.get("accepted").asBoolean()).isTrue();
        assertThat(problem.get("durable").asBoolean()).isFalse();
        assertThat(problem.get("detail").asString()).isEqualTo("The event is in the audit ring but was not forced"
                + " to disk within 500ms (sample.durable-timeout); it stays in the ring and is archived later."
                + " Sending it again stores it twice.");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(archivedTexts()).doesNotContain(text);
        HttpResponse<String> released = this.http.post("/debug/stall/release?ring=audit", new byte[0]);
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(SampleHttp.json(released).get("released").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> archivedTexts().contains(text));
    }

    private static List<String> archivedTexts() {
        return SampleArchive.texts(ARCHIVE, "");
    }

}
