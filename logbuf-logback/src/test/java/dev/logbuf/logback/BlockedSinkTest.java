package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A sink that stalls or fails (docs/logging.md, "A stalled or failing output"): the
 * logging caller goes on, the status says what is wrong, and what was accepted comes out
 * once the output works again.
 */
class BlockedSinkTest {

    @Test
    void aBlockedOutputNeverBlocksTheCallerBeyondOneMaxWaitPerStall() {
        TestStreams.Blocking out = new TestStreams.Blocking();
        Appenders logging = new Appenders(out, (appender) -> {
            appender.setCapacity(new FileSize(4096));
            appender.setMaxWait(Duration.buildByMilliseconds(200));
            appender.setStallTimeout(Duration.buildByMilliseconds(100));
        });
        Logger logger = logging.logger("blocked");
        int events = 3_000;
        AtomicLong done = new AtomicLong();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < events; i++) {
                switch (i % 3) {
                    case 0 -> logger.info("event-{}", i);
                    case 1 -> logger.warn("event-{}", i);
                    default -> logger.error("event-{}", i);
                }
                done.incrementAndGet();
            }
        });
        caller.start();
        // liveness, not timing: the caller finishes although the output never returns
        await().until(() -> !caller.isAlive());
        assertThat(done.get()).isEqualTo(events);
        assertThat(out.writesEntered.get()).isEqualTo(1);
        assertThat(logging.appender.status().waitsTimedOut()).isEqualTo(1);
        await().until(() -> logging.appender.status().state() == LoggingStatus.State.STALLED);
        assertThat(logging.appender.status().sinkBusyForNanos()).isPositive();

        long dropped = logging.appender.status().dropped().values().stream().mapToLong(Long::longValue).sum();
        assertThat(dropped).isPositive();
        out.release();
        await().until(() -> logging.appender.status().state() == LoggingStatus.State.RUNNING);
        logging.stop();
        List<String> lines = out.delegate.lines();
        long delivered = lines.stream().filter((l) -> l.contains(" event-")).count();
        assertThat(delivered).as("accepted + dropped = logged").isEqualTo(events - dropped);
    }

    @Test
    void aFailingOutputKeepsTheEventsInTheRingAndWritesThemOnceItWorksAgain() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        TestStreams.Collecting collected = new TestStreams.Collecting();
        OutputStream flaky = new OutputStream() {

            @Override
            public void write(int b) throws IOException {
                write(new byte[] { (byte) b }, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (failuresLeft.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
                    throw new IOException("No space left on device");
                }
                collected.write(b, off, len);
            }
        };
        Appenders logging = new Appenders(flaky, (appender) -> appender.setWaitLevel("TRACE"));
        Logger logger = logging.logger("flaky");
        for (int i = 0; i < 500; i++) {
            logger.info("event-{}", i);
        }
        await().until(() -> collected.lines().size() == 500);
        logging.stop();
        List<String> lines = collected.lines();
        for (int i = 0; i < 500; i++) {
            assertThat(lines.get(i)).isEqualTo("INFO event-" + i);
        }
        LoggingStatus status = logging.appender.status();
        assertThat(status.drainFailures()).isEqualTo(3);
        assertThat(status.dropped().get(Level.INFO)).isZero();
    }

    @Test
    void theStatusNamesTheFailureWhileTheOutputFails() {
        OutputStream broken = new OutputStream() {

            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Appenders logging = new Appenders(broken, (appender) -> {
            appender.setShutdownTimeout(Duration.buildByMilliseconds(50));
        });
        logging.logger("broken").error("nobody reads this");
        await().until(() -> logging.appender.status().state() == LoggingStatus.State.FAILING);
        assertThat(logging.appender.status().failure()).get()
            .satisfies((ex) -> assertThat(ex).hasMessageContaining("Broken pipe"));
        logging.stop();
        assertThat(logging.appender.status().state()).isEqualTo(LoggingStatus.State.STOPPED);
    }

}
