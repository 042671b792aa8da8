package dev.logbuf.benchmarks.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.logbuf.logback.LogbufAppender;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which way of encoding an event into the ring allocates least (run with
 * {@code -prof gc}): the appender's own pattern path ({@code pattern}: the layout's
 * converters into a per-thread {@code StringBuilder}, UTF-8 into a per-thread array, one
 * {@code offer}), against Logback's {@code PatternLayoutEncoder} ({@code encoder}: a
 * {@code String} and a {@code byte[]} per event, then one {@code offer}). Same pattern,
 * one thread, discarding sink.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class EncodePath {

    @Param({ "pattern", "encoder" })
    public String path;

    private LoggerContext context;

    private Logger logger;

    private final String[] orderIds = new String[1024];

    private long calls;

    @Setup(Level.Trial)
    public void start() {
        for (int i = 0; i < this.orderIds.length; i++) {
            this.orderIds[i] = "ORD-" + (100_000 + i);
        }
        this.context = new LoggerContext();
        this.context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        this.context.start();
        LogbufAppender appender = new LogbufAppender();
        appender.setContext(this.context);
        appender.setOutputStream(CountingSink.discarding());
        appender.setExitHook(false);
        if (this.path.equals("pattern")) {
            appender.setPattern(LoggingSystems.LOGBACK_PATTERN);
        }
        else {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(this.context);
            encoder.setPattern(LoggingSystems.LOGBACK_PATTERN);
            encoder.start();
            // hidden behind a plain encoder so that the appender takes the byte[] path
            appender.setEncoder(new EncoderBase<ILoggingEvent>() {

                @Override
                public byte[] headerBytes() {
                    return null;
                }

                @Override
                public byte[] encode(ILoggingEvent event) {
                    return encoder.encode(event);
                }

                @Override
                public byte[] footerBytes() {
                    return null;
                }
            });
        }
        appender.start();
        Logger root = this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        root.addAppender(appender);
        this.logger = this.context.getLogger(LoggingSystems.LOGGER_NAME);
    }

    @TearDown(Level.Trial)
    public void stop() {
        this.context.stop();
    }

    @Benchmark
    public void log() {
        this.logger.info("order {} filled for {}", this.orderIds[(int) (this.calls++ & 1023)], "ACC-0042");
    }

}
