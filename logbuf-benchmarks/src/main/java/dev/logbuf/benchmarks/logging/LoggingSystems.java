package dev.logbuf.benchmarks.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import dev.logbuf.logback.FullRingPolicy;
import dev.logbuf.logback.LogbufAppender;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.appender.OutputStreamAppender.Builder;
import org.apache.logging.log4j.core.async.AsyncLoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The three contenders, each built directly (no global lookup through SLF4J or Log4j's
 * {@code LogManager}) with the same layout and the same sink.
 *
 * <ul>
 * <li>{@code logbuf}: {@link LogbufAppender} with its defaults (1 MB ring, full-ring
 * policy: INFO dropped at 75% full); {@code logbufWait}: the same with INFO waiting for
 * room like WARN (no reserve).</li>
 * <li>{@code logbackAsync}: Logback's {@link AsyncAppender} with its defaults (256-slot
 * queue, INFO and below discarded at 80% full, blocking for WARN and ERROR) in front of
 * an {@link OutputStreamAppender}.</li>
 * <li>{@code log4j2Async}: Log4j2's {@link AsyncLoggerContext} (every logger async, LMAX
 * Disruptor 4, default wait strategy and queue-full policy: the caller waits) with the
 * garbage-free settings in {@link #LOG4J2_GARBAGE_FREE} and an
 * {@code OutputStreamAppender}.</li>
 * </ul>
 * Sinks: {@code discard} (a stream that keeps nothing) or {@code file} (a 64 KB
 * {@code BufferedOutputStream} over a temporary file); each appender keeps its own flush
 * policy.
 */
final class LoggingSystems {

    /** Logback pattern: Boot's console layout without colours or the PID. */
    static final String LOGBACK_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5level --- [%15.15thread] "
            + "%-40.40logger : %msg%n";

    /** The same layout in Log4j2's words. */
    static final String LOG4J2_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5level --- [%15.15t] "
            + "%-40.40logger : %msg%n";

    static final String LOGGER_NAME = "dev.logbuf.benchmarks.logging.OrderService";

    /** Log4j2's garbage-free mode, set before Log4j2 initializes (JVM flags). */
    static final String[] LOG4J2_GARBAGE_FREE = { "-Dlog4j2.enableThreadlocals=true",
            "-Dlog4j2.enableDirectEncoders=true", "-Dlog4j2.garbagefreeThreadContextMap=true",
            "-Dlog4j2.isWebapp=false", "-Dlog4j2.statusLoggerLevel=WARN" };

    private LoggingSystems() {
    }

    /** One running contender: its log call, its sink, and how to stop it. */
    interface Running {

        void info(String message, Object first, Object second);

        CountingSink sink();

        /** Stops the logging system as it would at an application's exit. */
        void stop();

    }

    static OutputStream fileStream(Path file) {
        try {
            return new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Running logbuf(CountingSink sink) {
        return logbuf(sink, FullRingPolicy.DEFAULT);
    }

    /**
     * {@code logbufWait}: INFO waits for room too (up to the default second), as Log4j2's
     * callers do: no event is dropped while the drain moves at all.
     */
    static Running logbufWait(CountingSink sink) {
        return logbuf(sink, new FullRingPolicy(ch.qos.logback.classic.Level.INFO, 0, FullRingPolicy.DEFAULT.maxWait()));
    }

    private static Running logbuf(CountingSink sink, FullRingPolicy policy) {
        LoggerContext context = newLogbackContext();
        LogbufAppender appender = new LogbufAppender();
        appender.setFullRingPolicy(policy);
        appender.setContext(context);
        appender.setName("logbuf");
        appender.setPattern(LOGBACK_PATTERN);
        appender.setOutputStream(sink);
        appender.setExitHook(false);
        appender.start();
        return logback(context, appender, sink);
    }

    static Running logbackAsync(CountingSink sink) {
        LoggerContext context = newLogbackContext();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(LOGBACK_PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> output = new OutputStreamAppender<>();
        output.setContext(context);
        output.setName("output");
        output.setEncoder(encoder);
        output.setOutputStream(sink);
        output.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.addAppender(output);
        async.start();
        return logback(context, async, sink);
    }

    private static LoggerContext newLogbackContext() {
        LoggerContext context = new LoggerContext();
        context.setName("bench");
        // what SLF4J's binding does for its context; AsyncAppender copies the MDC of each
        // event
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        return context;
    }

    private static Running logback(LoggerContext context, ch.qos.logback.core.Appender<ILoggingEvent> appender,
            CountingSink sink) {
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        root.addAppender(appender);
        ch.qos.logback.classic.Logger logger = context.getLogger(LOGGER_NAME);
        return new Running() {

            @Override
            public void info(String message, Object first, Object second) {
                logger.info(message, first, second);
            }

            @Override
            public CountingSink sink() {
                return sink;
            }

            @Override
            public void stop() {
                context.stop();
            }
        };
    }

    static Running log4j2Async(CountingSink sink) {
        AsyncLoggerContext context = new AsyncLoggerContext("bench");
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        builder.setConfigurationName("bench");
        builder.add(builder.newRootLogger(org.apache.logging.log4j.Level.INFO));
        Configuration configuration = builder.build(false);
        context.start(configuration);
        PatternLayout layout = PatternLayout.newBuilder()
            .withPattern(LOG4J2_PATTERN)
            .withConfiguration(configuration)
            .build();
        Builder<?> appenderBuilder = org.apache.logging.log4j.core.appender.OutputStreamAppender.newBuilder();
        org.apache.logging.log4j.core.appender.OutputStreamAppender appender = appenderBuilder.setTarget(sink)
            .setName("output")
            .setLayout(layout)
            .setConfiguration(configuration)
            .build();
        appender.start();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
        org.apache.logging.log4j.Logger logger = context.getLogger(LOGGER_NAME);
        return new Running() {

            @Override
            public void info(String message, Object first, Object second) {
                logger.info(message, first, second);
            }

            @Override
            public CountingSink sink() {
                return sink;
            }

            @Override
            public void stop() {
                context.stop(10, TimeUnit.SECONDS);
            }
        };
    }

}
