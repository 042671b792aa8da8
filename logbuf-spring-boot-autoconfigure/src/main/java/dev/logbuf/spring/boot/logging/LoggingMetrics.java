package dev.logbuf.spring.boot.logging;

import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code logbuf.logging.dropped} (function counter, tags {@code ring} and {@code level}):
 * log events the logging ring's appender dropped because the ring was full, per level
 * (TRACE to ERROR). Read from the appender's counters at scrape time; a logging call that
 * is not dropped touches no counter.
 */
public class LoggingMetrics implements MeterBinder {

    private static final Level[] LEVELS = { Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR };

    private final Supplier<LogbufLogging> logging;

    /**
     * @param logging the logging set-up (looked up at each read: Boot's logging
     * re-initialization may replace it)
     */
    public LoggingMetrics(Supplier<LogbufLogging> logging) {
        this.logging = logging;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String ring = this.logging.get().ring().name();
        for (Level level : LEVELS) {
            FunctionCounter
                .builder("logbuf.logging.dropped", this.logging, (logging) -> logging.get().droppedCount(level))
                .tag("ring", ring)
                .tag("level", level.toString())
                .description("Log events dropped because the logging ring was full")
                .register(registry);
        }
    }

}
