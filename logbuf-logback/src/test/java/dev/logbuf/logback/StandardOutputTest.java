package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Standard output is {@code System.out} as it is at each write (docs/logging.md "A
 * stalled or failing output"), as for Logback's own console appender: an application or a
 * test that replaces it after the appender started gets the records. The starter relies
 * on it: its appender outlives application contexts, tests capture standard output per
 * test.
 */
class StandardOutputTest {

    @Test
    void recordsGoToSystemOutAsItIsWhenTheyAreWritten() {
        LoggerContext context = new LoggerContext();
        context.start();
        LogbufAppender appender = new LogbufAppender();
        appender.setContext(context);
        appender.setName("RING");
        appender.setPattern("%msg%n");
        appender.setExitHook(false);
        appender.start();
        Logger logger = context.getLogger("test");
        logger.addAppender(appender);
        PrintStream original = System.out;
        TestStreams.Collecting first = new TestStreams.Collecting();
        TestStreams.Collecting second = new TestStreams.Collecting();
        try {
            System.setOut(new PrintStream(first, true, StandardCharsets.UTF_8));
            logger.info("to the first stream");
            await().until(() -> first.text().contains("to the first stream"));
            System.setOut(new PrintStream(second, true, StandardCharsets.UTF_8));
            logger.info("to the second stream");
            await().until(() -> second.text().contains("to the second stream"));
        }
        finally {
            context.stop();
            System.setOut(original);
        }
        assertThat(first.lines()).containsExactly("to the first stream");
        assertThat(second.lines()).containsExactly("to the second stream");
    }

    /**
     * A PrintStream hides the failure of its stream; the records of that write are not
     * counted as out, so once System.out is replaced they come out there, once each.
     */
    @Test
    void recordsOfAWriteABrokenStandardOutputSwallowedGoToTheNextOne() {
        LoggerContext context = new LoggerContext();
        context.start();
        LogbufAppender appender = new LogbufAppender();
        appender.setContext(context);
        appender.setName("RING");
        appender.setPattern("%msg%n");
        appender.setExitHook(false);
        appender.start();
        Logger logger = context.getLogger("test");
        logger.addAppender(appender);
        PrintStream original = System.out;
        TestStreams.Collecting replacement = new TestStreams.Collecting();
        try {
            System.setOut(new PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    throw new java.io.IOException("the reader of standard output is gone");
                }
            }, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                logger.info("event {}", i);
            }
            await().until(() -> appender.status().state() == LoggingStatus.State.FAILING);
            System.setOut(new PrintStream(replacement, true, StandardCharsets.UTF_8));
            await().until(
                    () -> appender.status().state() == LoggingStatus.State.RUNNING && replacement.lines().size() >= 5);
        }
        finally {
            context.stop();
            System.setOut(original);
        }
        assertThat(replacement.lines()).containsExactly("event 0", "event 1", "event 2", "event 3", "event 4");
    }

}
