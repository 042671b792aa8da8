package dev.logbuf.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's own logs go through the ring {@code logs} to the console
 * ({@code logbuf.logging.enabled=true} in its application.yml; docs/logging.md): the ring
 * is listed by {@code /actuator/logbuf} with its appender as its drain, has its health
 * component and meters, and an event the application logs comes out on standard output
 * once, written by that drain.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleLoggingTests {

    private static final Logger logger = LoggerFactory.getLogger(SampleApplication.class);

    @LocalServerPort
    private int port;

    @Test
    void theSamplesLogsGoThroughTheRingLogsToTheConsole(CapturedOutput output) throws Exception {
        SampleHttp http = new SampleHttp(this.port);
        JsonNode logs = http.getJson("/actuator/logbuf").at("/rings/logs");
        assertThat(logs.get("type").asString()).isEqualTo("mpsc");
        assertThat(logs.get("capacity").asInt()).isEqualTo(1024 * 1024);
        assertThat(logs.get("drainRunning").asBoolean()).isTrue();
        assertThat(logs.at("/externalDrain/logging/output").asString()).isEqualTo("console");
        assertThat(logs.at("/externalDrain/logging/format").asString()).isEqualTo("pattern");
        long consumed = logs.get("recordsConsumed").asLong();
        assertThat(consumed).as("the start-up messages went through the ring").isPositive();

        logger.info("sample logging through the ring");
        await().atMost(Duration.ofSeconds(10))
            .until(() -> http.getJson("/actuator/logbuf/logs").get("recordsConsumed").asLong() > consumed);
        await().until(() -> output.getOut().contains("sample logging through the ring"));
        assertThat(output.getOut()).containsOnlyOnce("sample logging through the ring");

        JsonNode health = http.getJson("/actuator/health/logbuf/logs");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.at("/details/logging/state").asString()).isEqualTo("RUNNING");
        JsonNode dropped = http.getJson("/actuator/metrics/logbuf.logging.dropped?tag=level:INFO");
        assertThat(dropped.at("/measurements/0/value").asDouble()).isZero();
    }

}
