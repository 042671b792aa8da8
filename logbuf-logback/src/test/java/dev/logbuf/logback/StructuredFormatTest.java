package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Boot's structured formats through the ring, outside any Spring context
 * (docs/logging.md, "Formats"): every line is one valid JSON object with the event in it.
 */
class StructuredFormatTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void ecs() {
        List<JsonNode> events = logThrough("ecs");
        JsonNode first = events.get(0);
        assertThat(first.path("message").asString()).isEqualTo("hello 1");
        assertThat(first.path("log").path("level").asString()).isEqualTo("INFO");
        assertThat(first.path("@timestamp").asString()).isNotEmpty();
        assertThat(events.get(1).path("error").path("message").asString()).isEqualTo("boom");
        assertThat(events.get(1).path("error").path("stack_trace").asString()).contains("IllegalStateException");
    }

    @Test
    void logstash() {
        List<JsonNode> events = logThrough("logstash");
        JsonNode first = events.get(0);
        assertThat(first.path("message").asString()).isEqualTo("hello 1");
        assertThat(first.path("level").asString()).isEqualTo("INFO");
        assertThat(first.path("logger_name").asString()).isEqualTo("structured");
        assertThat(first.path("request").asString()).isEqualTo("r-1");
        assertThat(events.get(1).path("stack_trace").asString()).contains("boom");
    }

    @Test
    void gelf() {
        List<JsonNode> events = logThrough("gelf");
        JsonNode first = events.get(0);
        assertThat(first.path("version").asString()).isEqualTo("1.1");
        assertThat(first.path("short_message").asString()).isEqualTo("hello 1");
        assertThat(first.path("level").asInt()).isEqualTo(6); // syslog INFO
        assertThat(events.get(1).path("level").asInt()).isEqualTo(3); // syslog ERROR
    }

    private List<JsonNode> logThrough(String format) {
        TestStreams.Collecting out = new TestStreams.Collecting();
        Appenders logging = new Appenders(out, (appender) -> appender.setFormat(format));
        assertThat(logging.appender.isStarted()).as("started with format %s", format).isTrue();
        Logger logger = logging.logger("structured");
        MDC.put("request", "r-1");
        try {
            logger.info("hello {}", 1);
            logger.error("failed", new IllegalStateException("boom"));
            logger.warn("quote \" and newline \n and tab \t in a message");
        }
        finally {
            MDC.remove("request");
        }
        logging.stop();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(3);
        List<JsonNode> events = lines.stream().map(this.json::readTree).toList();
        assertThat(events).allSatisfy((event) -> assertThat(event.isObject()).isTrue());
        assertThat(events.get(2).toString()).contains("quote \\\" and newline \\n and tab \\t in a message");
        return events;
    }

}
