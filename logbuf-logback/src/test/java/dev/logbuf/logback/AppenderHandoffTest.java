package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Replacing a console appender by the ring appender while threads log (docs/logging.md,
 * "For the starter"): every event comes out exactly once, through one of the two, and in
 * order per thread.
 */
class AppenderHandoffTest {

    @RepeatedTest(10)
    void everyEventComesOutOnceThroughOneOfTheTwoInOrderPerThread() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        TestStreams.Collecting consoleOut = new TestStreams.Collecting();
        OutputStreamAppender<ILoggingEvent> console = console(context, consoleOut);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        TestStreams.Collecting ringOut = new TestStreams.Collecting();
        LogbufAppender ring = new LogbufAppender();
        ring.setContext(context);
        ring.setPattern("%thread %msg%n");
        ring.setWaitLevel("TRACE");
        ring.setOutputStream(ringOut);
        ring.setExitHook(false);
        ring.start();

        int threads = 3;
        int perThread = 20_000;
        AtomicIntegerArray progress = new AtomicIntegerArray(threads);
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Logger logger = context.getLogger("handoff");
            loggers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    logger.info("{}", i);
                    progress.set(id, i + 1);
                }
            }, "t" + t));
        }
        loggers.forEach(Thread::start);
        while (progress.get(0) < 2_000) {
            Thread.onSpinWait();
        }
        AppenderHandoff.handOver(root, console, ring);
        for (Thread t : loggers) {
            t.join();
        }
        assertThat(root.isAttached(ring)).isTrue();
        context.stop();

        Map<String, Integer> next = new HashMap<>();
        Map<String, Integer> fromConsole = new HashMap<>();
        for (String line : consoleOut.lines()) {
            String[] parts = line.split(" ");
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next.getOrDefault(parts[0], 0));
            next.put(parts[0], Integer.parseInt(parts[1]) + 1);
        }
        fromConsole.putAll(next);
        for (String line : ringOut.lines()) {
            String[] parts = line.split(" ");
            assertThat(Integer.parseInt(parts[1])).as("%s: once, in order, after its console events", parts[0])
                .isEqualTo(next.getOrDefault(parts[0], 0));
            next.put(parts[0], Integer.parseInt(parts[1]) + 1);
        }
        assertThat(next).containsOnlyKeys("t0", "t1", "t2");
        assertThat(next.values()).containsOnly(perThread);
        assertThat(fromConsole.get("t0")).as("the console wrote what came before").isPositive();
    }

    @Test
    void refusesAHandoverThatCannotWork() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> console = console(context, new TestStreams.Collecting());
        LogbufAppender ring = new LogbufAppender();
        ring.setContext(context);
        ring.setName("RING");
        assertThatIllegalArgumentException().isThrownBy(() -> AppenderHandoff.handOver(root, console, ring))
            .withMessageContaining("is not attached to logger 'ROOT'");
        root.addAppender(console);
        assertThatIllegalArgumentException().isThrownBy(() -> AppenderHandoff.handOver(root, console, ring))
            .withMessageContaining("appender [RING] is not started");
        context.stop();
    }

    private static OutputStreamAppender<ILoggingEvent> console(LoggerContext context, TestStreams.Collecting out) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%thread %msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> console = new OutputStreamAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.setOutputStream(out);
        console.start();
        return console;
    }

}
