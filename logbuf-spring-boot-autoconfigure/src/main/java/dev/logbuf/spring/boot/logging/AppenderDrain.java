package dev.logbuf.spring.boot.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.logbuf.drain.DrainAgent;
import dev.logbuf.logback.LogbufAppender;
import dev.logbuf.logback.LoggingStatus;
import dev.logbuf.spring.boot.ExternalDrain;

/**
 * The logging ring's drain, its appender's, as the ring's health, meters and endpoint
 * read it.
 */
final class AppenderDrain implements ExternalDrain {

    private final LogbufAppender appender;

    private final LoggingSettings settings;

    private final Supplier<RecordHandlerSink> handlerSink;

    AppenderDrain(LogbufAppender appender, LoggingSettings settings, Supplier<RecordHandlerSink> handlerSink) {
        this.appender = appender;
        this.settings = settings;
        this.handlerSink = handlerSink;
    }

    @Override
    public boolean isRunning() {
        return this.appender.isStarted() && this.appender.drainAgent().map(DrainAgent::isThreadAlive).orElse(false);
    }

    @Override
    public long recordsDrained() {
        return this.appender.drainAgent().map(DrainAgent::recordsDrained).orElse(0L);
    }

    @Override
    public long failures() {
        RecordHandlerSink handler = this.handlerSink.get();
        return this.appender.drainAgent().map(DrainAgent::failures).orElse(0L)
                + ((handler != null) ? handler.failures() : 0);
    }

    @Override
    public long claimsUnblocked() {
        return this.appender.drainAgent().map(DrainAgent::claimsUnblocked).orElse(0L);
    }

    @Override
    public boolean isHealthy() {
        LoggingStatus.State state = this.appender.status().state();
        return state != LoggingStatus.State.STALLED && state != LoggingStatus.State.FAILING;
    }

    /**
     * {@code logging}: {@code state}, {@code format}, {@code output}, {@code dropped}
     * (per level), {@code truncated}, {@code waitsTimedOut}; {@code outputBusyForMs}
     * while the output is stalled, {@code outputError} while it fails.
     */
    @Override
    public Map<String, Object> details() {
        LoggingStatus status = this.appender.status();
        Map<String, Object> logging = new LinkedHashMap<>();
        logging.put("state", status.state().name());
        logging.put("format", this.settings.format().key());
        logging.put("output", this.settings.output().key());
        Map<String, Long> dropped = new LinkedHashMap<>();
        status.dropped().forEach((level, count) -> dropped.put(level.toString(), count));
        logging.put("dropped", dropped);
        logging.put("truncated", status.truncated());
        logging.put("waitsTimedOut", status.waitsTimedOut());
        if (status.state() == LoggingStatus.State.STALLED) {
            logging.put("outputBusyForMs", TimeUnit.NANOSECONDS.toMillis(status.sinkBusyForNanos()));
        }
        status.failure().ifPresent((failure) -> logging.put("outputError", String.valueOf(failure)));
        return Map.of("logging", logging);
    }

}
