package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The full-ring policy per level (docs/logging.md, "When the ring is full"), with the
 * output really blocked: INFO is dropped once only the reserve is left, WARN and ERROR
 * use the reserve, then wait at most {@code maxWait} once per stall; every drop is
 * counted per level and reported in the log itself.
 */
class FullRingPolicyTest {

    private static final Pattern REPORT = Pattern.compile("logbuf dropped (\\d+) log events? \\(([^)]*)\\)");

    @Test
    void infoIsDroppedAtTheReserveWarnAndErrorUseItThenWaitOncePerStall() {
        TestStreams.Blocking out = new TestStreams.Blocking();
        Appenders logging = new Appenders(out, (appender) -> {
            appender.setCapacity(new FileSize(4096));
            appender.setReservePercent(25);
            appender.setMaxWait(Duration.buildByMilliseconds(50));
        });
        Logger logger = logging.logger("policy");
        String filler = "f".repeat(90); // ~100-byte records: 112-byte frames
        logger.info("first {}", filler);
        await().until(() -> out.writesEntered.get() > 0); // the drain is stuck in a write

        int info = 100;
        for (int i = 0; i < info; i++) {
            logger.info("info-{} {}", i, filler);
        }
        long infoDropped = logging.appender.droppedCount(Level.INFO);
        assertThat(infoDropped).isPositive();
        assertThat(logging.appender.status().usedBytes()).as("INFO stops at the reserve")
            .isLessThanOrEqualTo(4096 * 3 / 4);

        int warn = 20;
        for (int i = 0; i < warn; i++) {
            logger.warn("warn-{} {}", i, filler);
        }
        int error = 3;
        for (int i = 0; i < error; i++) {
            logger.error("error-{} {}", i, filler);
        }
        long warnDropped = logging.appender.droppedCount(Level.WARN);
        assertThat(warnDropped).as("WARN used the reserve before any was dropped").isLessThan(warn - 4);
        assertThat(warnDropped).as("the reserve filled up").isPositive();
        assertThat(logging.appender.droppedCount(Level.ERROR)).isEqualTo(error);
        assertThat(logging.appender.status().waitsTimedOut()).as("one wait per stall, not one per event").isEqualTo(1);
        assertThat(logging.appender.status().state()).isIn(LoggingStatus.State.RUNNING, LoggingStatus.State.STALLED);

        out.release();
        logging.stop();

        List<String> lines = out.delegate.lines();
        assertThat(lines.stream().filter((l) -> l.startsWith("INFO info-"))).hasSize((int) (info - infoDropped));
        assertThat(lines.stream().filter((l) -> l.startsWith("WARN warn-"))).hasSize((int) (warn - warnDropped));
        assertThat(lines.stream().filter((l) -> l.startsWith("ERROR error-"))).isEmpty();
        assertThat(lines.get(0)).startsWith("INFO first");
        long reported = 0;
        for (String line : lines) {
            Matcher m = REPORT.matcher(line);
            if (m.find()) {
                assertThat(line).startsWith("WARN ");
                reported += Long.parseLong(m.group(1));
                assertThat(m.group(2)).contains("INFO=").contains("ERROR=" + error);
            }
        }
        assertThat(reported).as("every drop is reported in the log").isEqualTo(infoDropped + warnDropped + error);
        assertThat(logging.appender.status().dropped()).containsEntry(Level.INFO, infoDropped)
            .containsEntry(Level.WARN, warnDropped)
            .containsEntry(Level.ERROR, (long) error)
            .containsEntry(Level.DEBUG, 0L);
    }

    @Test
    void theDrainReportsDropsInTheLogWhileRunningAtMostOncePerInterval() {
        TestStreams.Blocking out = new TestStreams.Blocking();
        Appenders logging = new Appenders(out, (appender) -> {
            appender.setCapacity(new FileSize(2048));
            appender.setDropReportInterval(Duration.buildByMilliseconds(1));
        });
        Logger logger = logging.logger("report");
        logger.info("first");
        await().until(() -> out.writesEntered.get() > 0);
        for (int i = 0; i < 100; i++) {
            logger.info("info-{} {}", i, "i".repeat(60));
        }
        long dropped = logging.appender.droppedCount(Level.INFO);
        assertThat(dropped).isPositive();
        out.release();
        // not stopped: the drain thread writes the report after a batch went through
        await().until(() -> out.delegate.text().contains("logbuf dropped " + dropped + " log events (INFO="));
        logger.info("after");
        await().until(() -> out.delegate.text().contains("INFO after"));
        logging.stop();
        assertThat(out.delegate.lines().stream().filter((l) -> l.contains("logbuf dropped"))).hasSize(1);
    }

    @Test
    void waitLevelOffDropsEveryLevelAtOnce() {
        TestStreams.Blocking out = new TestStreams.Blocking();
        Appenders logging = new Appenders(out, (appender) -> {
            appender.setCapacity(new FileSize(1024));
            appender.setWaitLevel("OFF");
            appender.setReservePercent(0);
        });
        Logger logger = logging.logger("off");
        logger.error("first");
        await().until(() -> out.writesEntered.get() > 0);
        for (int i = 0; i < 50; i++) {
            logger.error("error-{} {}", i, "e".repeat(50));
        }
        assertThat(logging.appender.droppedCount(Level.ERROR)).isPositive();
        assertThat(logging.appender.status().waitsTimedOut()).isZero();
        out.release();
        logging.stop();
    }

    @Test
    void badPolicySettingsFailLoudly() {
        LogbufAppender appender = new LogbufAppender();
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setReservePercent(95))
            .withMessageContaining("reservePercent must be between 0 and 90");
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setWaitLevel("LOUD"))
            .withMessageContaining("waitLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF; was 'LOUD'");
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setFormat("xml"))
            .withMessageContaining("format must be one of pattern, ecs, logstash, gelf; was 'xml'");
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setOutput("file"))
            .withMessageContaining("output must be 'console'");
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setCapacity(new FileSize(8)))
            .withMessageContaining("capacity must be between 16 bytes and 1GB");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> appender.setShutdownTimeout(Duration.buildByMilliseconds(0)))
            .withMessageContaining("shutdownTimeout must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> appender.setRing(dev.logbuf.RingBuffer.spsc(1024)))
            .withMessageContaining("must be an MPSC ring");
    }

}
