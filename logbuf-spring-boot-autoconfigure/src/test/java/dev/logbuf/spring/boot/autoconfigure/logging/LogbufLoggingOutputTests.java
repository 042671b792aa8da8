package dev.logbuf.spring.boot.autoconfigure.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import dev.logbuf.spring.boot.logging.LogbufLogging;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * What the logging ring writes and how its output's faults show (docs/logging.md "In a
 * Spring Boot application"): the structured formats give one JSON object per line; a
 * blocked standard output turns the ring's health DOWN while logging calls return (INFO
 * dropped and counted in {@code logbuf.logging.dropped{level}}, WARN waiting at most
 * {@code maxWait} once); a failing one turns it DOWN too and its events come out once it
 * works again; {@code output=ring} feeds the ring's handler bean.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogbufLoggingOutputTests {

    private static final Logger logger = LoggerFactory.getLogger(LogbufLoggingOutputTests.class);

    @ParameterizedTest
    @CsvSource({ "ecs, message", "logstash, message", "gelf, short_message" })
    void structuredFormatsWriteOneJsonObjectPerLine(String format, String messageField, CapturedOutput output) {
        String marker = "json-" + format;
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true",
                "--logbuf.logging.format=" + format)) {
            for (int i = 0; i < 20; i++) {
                logger.info("{} {} with \"quotes\", a \\ and a\ttab", marker, i);
            }
            await().until(() -> output.getOut().contains(marker + " 19 "));
        }
        JsonMapper json = JsonMapper.builder().build();
        List<String> found = new ArrayList<>();
        for (String line : output.getOut().split("\\R")) {
            if (line.contains(marker)) {
                JsonNode event = json.readTree(line);
                found.add(event.get(messageField).asString());
            }
        }
        assertThat(found).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(found.get(i)).isEqualTo(marker + " " + i + " with \"quotes\", a \\ and a\ttab");
        }
    }

    @Test
    void aBlockedOutputTurnsHealthDownWhileLoggingCallsReturnAndDropsAreCounted() {
        PrintStream original = System.out;
        Blocking blocked = new Blocking();
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true",
                "--logbuf.rings.logs.capacity=64KB", "--logbuf.rings.logs.stall-timeout=200ms")) {
            LogbufLogging logging = LoggingApp.logging(context);
            System.setOut(new PrintStream(blocked, true, StandardCharsets.UTF_8));
            logger.info("the drain blocks on this one");
            await().until(() -> health(context).getStatus().equals(Status.DOWN));
            assertThat(logging(health(context))).containsEntry("state", "STALLED").containsKey("outputBusyForMs");

            // bounded: INFO never waits; WARN waits at most maxWait (1 s), once per stall
            int logged = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int calls = 0;
                while (logging.droppedCount(Level.INFO) == 0 && calls < 100_000) {
                    logger.info("stalled {} {}", "info", calls++);
                }
                for (int i = 0; i < 10_000 && logging.droppedCount(Level.WARN) < 2; i++) {
                    logger.warn("stalled {} {}", "warn", i);
                }
                return calls;
            });
            long droppedInfo = logging.droppedCount(Level.INFO);
            assertThat(droppedInfo).isPositive();
            assertThat(logging.droppedCount(Level.WARN)).isEqualTo(2);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("logbuf.logging.dropped")
                .tag("ring", "logs")
                .tag("level", "INFO")
                .functionCounter()
                .count()).isEqualTo(droppedInfo);
            assertThat(meters.get("logbuf.logging.dropped").tag("level", "WARN").functionCounter().count())
                .isEqualTo(2);
            assertThat(meters.get("logbuf.logging.dropped").tag("level", "ERROR").functionCounter().count()).isZero();

            blocked.release();
            await().until(() -> health(context).getStatus().equals(Status.UP));
            await().until(() -> blocked.text().contains("logbuf dropped"));
            Map<String, List<Integer>> out = LoggingApp.numbered(blocked.text(), "stalled");
            // what was accepted came out once, in order; the report says what was not
            assertThat(out.get("info")).hasSize((int) (logged - droppedInfo)).isSorted().doesNotHaveDuplicates();
            assertThat(blocked.text()).contains("INFO=" + droppedInfo);
        }
        finally {
            blocked.release();
            System.setOut(original);
        }
    }

    @Test
    void aFailingOutputTurnsHealthDownAndItsEventsComeOutOnceItWorksAgain() {
        PrintStream original = System.out;
        Collecting replacement = new Collecting();
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true",
                "--logbuf.rings.logs.capacity=128KB")) {
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("standard output's reader is gone");
                }
            }, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 10; i++) {
                logger.info("failing {} {}", "main", i);
            }
            await().until(() -> health(context).getStatus().equals(Status.DOWN));
            assertThat(logging(health(context))).containsEntry("state", "FAILING").containsKey("outputError");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("logbuf.drain.errors").tag("ring", "logs").functionCounter().count()).isPositive();

            System.setOut(new PrintStream(replacement, true, StandardCharsets.UTF_8));
            await().until(() -> health(context).getStatus().equals(Status.UP));
            await().until(() -> replacement.text().contains("failing main 9"));
            LoggingApp.assertOnceInOrder(LoggingApp.numbered(replacement.text(), "failing"), Map.of("main", 10));
        }
        finally {
            System.setOut(original);
        }
    }

    @Test
    void outputRingFeedsTheRingsHandlerWhileTheContextRuns(CapturedOutput output) {
        RecordingHandler handler;
        LogbufLogging logging;
        try (ConfigurableApplicationContext context = LoggingApp.run(List.of(), new Class<?>[] { Handler.class },
                "--logbuf.logging.enabled=true", "--logbuf.logging.output=ring",
                "--logbuf.rings.logs.handler=logHandler", "--logbuf.rings.logs.capacity=256KB")) {
            handler = context.getBean("logHandler", RecordingHandler.class);
            logging = LoggingApp.logging(context);
            logger.info("to the handler");
            await().until(() -> handler.texts().stream().anyMatch((text) -> text.contains("to the handler")));
            assertThat(logging.isAttached()).isTrue();
        }
        // the console appender stayed: the event is on standard output as well
        assertThat(output.getOut()).containsOnlyOnce("to the handler");
        assertThat(logging.isAttached()).as("detached when the context stopped").isFalse();
        assertThat(handler.texts().stream().filter((text) -> text.contains("to the handler"))).hasSize(1);
    }

    private static Health health(ConfigurableApplicationContext context) {
        return ((HealthIndicator) context.getBean("logbufHealthContributor", CompositeHealthContributor.class)
            .getContributor("logs")).health();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> logging(Health health) {
        return (Map<String, Object>) health.getDetails().get("logging");
    }

    @Configuration(proxyBeanMethods = false)
    static class Handler {

        @Bean
        RecordingHandler logHandler() {
            return new RecordingHandler();
        }

    }

    /** Collects what is written; safe to read from the test thread. */
    static class Collecting extends OutputStream {

        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            this.bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            this.bytes.write(b, off, len);
        }

        synchronized String text() {
            return this.bytes.toString(StandardCharsets.UTF_8);
        }

    }

    /** Standard output whose reader stopped reading: every write waits for release(). */
    static final class Blocking extends Collecting {

        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void write(int b) {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                this.released.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            super.write(b, off, len);
        }

        void release() {
            this.released.countDown();
        }

    }

}
