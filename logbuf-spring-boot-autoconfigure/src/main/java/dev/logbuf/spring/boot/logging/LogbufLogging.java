package dev.logbuf.spring.boot.logging;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.status.Status;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import dev.logbuf.logback.AppenderHandoff;
import dev.logbuf.logback.LogbufAppender;
import dev.logbuf.logback.LoggingStatus;
import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.spring.boot.ExternalDrain;
import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.RingSettings;

/**
 * The application's Logback events through a ring: one {@link LogbufAppender} on the root
 * logger, writing into a {@link LogbufRing} and draining it itself.
 *
 * <p>
 * <b>Lifecycle</b> (docs/logging.md "In a Spring Boot application"): the set-up belongs
 * to the Logback {@link LoggerContext}, not to an application context. It is made when
 * Spring Boot has first initialized logging with {@code logbuf.logging.enabled=true},
 * before any application context exists, and is kept per logger context: Boot's logging
 * re-initialization (a reset, which stops the appender after it drained everything) is
 * followed by {@link #attachToConsole()}, which starts the same appender on the same ring
 * again. An application context only adopts the ring (health, meters, endpoint); closing
 * it neither stops the appender nor closes the ring, so the context's and the web
 * server's shutdown messages go through the ring too. The appender stops, after its drain
 * wrote every record, when Logback stops: Boot's logging shutdown handler at JVM exit, or
 * the next reset.
 *
 * <p>
 * With {@link LoggingOutput#RING} the appender's output is the ring's sink (a handler
 * bean or the archive), which exists only while an application context runs: the appender
 * is attached while it runs ({@link #attachToRing}, {@link #detachFromRing}), and Boot's
 * console appender stays.
 */
public final class LogbufLogging {

    /** The appender's name on the root logger. */
    public static final String APPENDER_NAME = "LOGBUF";

    /** Guarded by the class: the set-up of each logger context. */
    private static final Map<LoggerContext, LogbufLogging> installed = new WeakHashMap<>();

    private final LoggerContext context;

    private final LoggingSettings settings;

    private final LogbufRing ring;

    private final LogbufAppender appender;

    /** The handler's sink while attached to a handler; volatile: read by monitors. */
    private volatile RecordHandlerSink handlerSink;

    private final AppenderDrain drain;

    /**
     * The archive customizer beans of the application context that runs now (for a ring
     * with an archive and output {@code ring}); volatile: set by the context's
     * auto-configuration, read when the archive opens.
     */
    private volatile Supplier<List<ArchiveWriterCustomizer>> archiveWriterCustomizers = List::of;

    private LogbufLogging(LoggerContext context, LoggingSettings settings, RingSettings ringSettings) {
        this(context, settings, (logging) -> new LogbufRing(ringSettings, LogbufNanoClock.system(),
                () -> logging.archiveWriterCustomizers.get()));
    }

    private LogbufLogging(LoggerContext context, LoggingSettings settings, Function<LogbufLogging, LogbufRing> ring) {
        this.context = context;
        this.settings = settings;
        this.ring = ring.apply(this);
        if (this.ring.type() != RingBuffer.Type.MPSC) {
            throw new IllegalArgumentException("The logging ring '" + this.ring.name() + "' must be an MPSC ring");
        }
        this.appender = new LogbufAppender();
        this.appender.setContext(context);
        this.appender.setName(APPENDER_NAME);
        this.appender.setRingName(this.ring.name());
        this.appender.setFormat(settings.format().key());
        this.appender.setOutput(settings.output().key());
        this.appender.setRing(this.ring.ringBuffer());
        // the appender's drain is the ring's only reader: the registry starts none
        this.appender.setConsumer(this.ring.consumer());
        this.appender.setStallTimeout(logbackDuration(this.ring.settings().stallTimeout()));
        this.appender.setShutdownTimeout(logbackDuration(this.ring.settings().shutdownTimeout()));
        this.drain = new AppenderDrain(this.appender, settings, () -> this.handlerSink);
        this.ring.adoptDrain(this.drain);
    }

    /**
     * The set-up of {@code context} for these settings: the one made earlier when it was
     * made for the same settings (after Boot's logging re-initialization, which stopped
     * its appender, the same appender starts again on the same ring), else a new one on a
     * new ring, in place of the earlier one (stopped, its ring closed). With
     * {@link LoggingOutput#CONSOLE} it is attached before this returns.
     * @param context the logger context
     * @param settings the logging settings
     * @param ringSettings the logging ring's settings
     * @return the set-up
     * @throws IllegalStateException when the appender does not start
     */
    public static LogbufLogging install(LoggerContext context, LoggingSettings settings, RingSettings ringSettings) {
        synchronized (LogbufLogging.class) {
            LogbufLogging logging = installed.get(context);
            if (logging == null || !logging.isFor(settings, ringSettings)) {
                logging = replace(context, () -> new LogbufLogging(context, settings, ringSettings));
            }
            if (settings.output() == LoggingOutput.CONSOLE) {
                logging.attachToConsole();
            }
            return logging;
        }
    }

    /**
     * The set-up of {@code context} on {@code ring}, a ring the registry made (when no
     * set-up was made before the application context: a context not started by
     * {@code SpringApplication}). As
     * {@link #install(LoggerContext, LoggingSettings, RingSettings)} otherwise.
     * @param context the logger context
     * @param settings the logging settings
     * @param ring the ring, not yet drained by anything
     * @return the set-up
     * @throws IllegalStateException when the appender does not start
     */
    public static LogbufLogging install(LoggerContext context, LoggingSettings settings, LogbufRing ring) {
        synchronized (LogbufLogging.class) {
            LogbufLogging logging = installed.get(context);
            if (logging == null || logging.ring != ring || !logging.settings.equals(settings)) {
                logging = replace(context, () -> new LogbufLogging(context, settings, (self) -> ring));
            }
            if (settings.output() == LoggingOutput.CONSOLE) {
                logging.attachToConsole();
            }
            return logging;
        }
    }

    /** Retires the earlier set-up first: a file ring's file is then free again. */
    private static LogbufLogging replace(LoggerContext context, Supplier<LogbufLogging> next) {
        LogbufLogging previous = installed.remove(context);
        if (previous != null) {
            previous.retire();
        }
        LogbufLogging logging = next.get();
        installed.put(context, logging);
        return logging;
    }

    /**
     * Sets where the ring's archive (output {@code ring}) gets its customizers from: the
     * beans of the application context that runs now.
     * @param customizers the customizers
     */
    public void useArchiveWriterCustomizers(Supplier<List<ArchiveWriterCustomizer>> customizers) {
        this.archiveWriterCustomizers = Objects.requireNonNull(customizers, "customizers");
    }

    /**
     * The set-up of {@code context}, if one was made.
     * @param context the logger context
     * @return the set-up
     */
    public static Optional<LogbufLogging> installed(LoggerContext context) {
        synchronized (LogbufLogging.class) {
            return Optional.ofNullable(installed.get(context));
        }
    }

    /**
     * Starts the appender (again, after a reset of the logger context) and hands the root
     * logger's events over to it from Spring Boot's console appender (the first
     * {@link ConsoleAppender} on the root logger) without losing or doubling one; without
     * a console appender it is attached beside the others. Nothing happens when it is
     * attached and started already.
     * @throws IllegalStateException when the appender does not start
     */
    public synchronized void attachToConsole() {
        Logger root = this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (this.appender.isStarted() && root.isAttached(this.appender)) {
            return;
        }
        Appender<ILoggingEvent> console = consoleAppender(root);
        this.appender.clearAllFilters(); // those of an earlier hand-over
        if (console != null) {
            // Boot's threshold (logging.threshold.console) applies to the ring too
            for (Filter<ILoggingEvent> filter : console.getCopyOfAttachedFiltersList()) {
                this.appender.addFilter(filter);
            }
        }
        start();
        if (console != null) {
            AppenderHandoff.handOver(root, console, this.appender);
        }
        else {
            root.addAppender(this.appender);
        }
    }

    /**
     * {@link LoggingOutput#RING}: starts the appender with the ring's handler bean as its
     * output (a handler that throws consumes its record: counted, logged) and attaches it
     * to the root logger, beside Spring Boot's console appender.
     * @param handlerName the handler bean's name, for messages
     * @param handler the handler bean
     */
    public synchronized void attachToRing(String handlerName, dev.logbuf.RecordHandler handler) {
        RecordHandlerSink sink = new RecordHandlerSink(this.ring.name(), handlerName, handler);
        attachToRing(sink);
    }

    /**
     * {@link LoggingOutput#RING}: starts the appender with the ring's sink and attaches
     * it to the root logger, beside Spring Boot's console appender.
     * @param sink the ring's sink (its archive's); closed when the appender stops
     */
    public synchronized void attachToRing(RecordSink sink) {
        this.handlerSink = (sink instanceof RecordHandlerSink handler) ? handler : null;
        Logger root = this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (this.appender.isStarted()) {
            detachFromRing();
        }
        this.appender.clearAllFilters();
        this.appender.setSink(Objects.requireNonNull(sink, "sink"));
        start();
        root.addAppender(this.appender);
    }

    /**
     * {@link LoggingOutput#RING}: detaches the appender and stops it: its drain hands
     * every record to the sink, then closes it.
     */
    public synchronized void detachFromRing() {
        this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
        this.appender.stop();
    }

    private void start() {
        Charset charset = consoleCharset();
        if (charset != null) {
            this.appender.setCharset(charset);
        }
        this.appender.start();
        if (!this.appender.isStarted()) {
            throw new IllegalStateException(
                    "The logbuf appender for ring '" + this.ring.name() + "' did not start: " + lastError());
        }
    }

    /** Boot's {@code logging.charset.console}, as Boot put it into the context. */
    private Charset consoleCharset() {
        String name = this.context.getProperty("CONSOLE_LOG_CHARSET");
        try {
            return (name != null && !name.isBlank()) ? Charset.forName(name.trim()) : null;
        }
        catch (IllegalArgumentException ex) {
            return null; // Boot reports its own property
        }
    }

    private String lastError() {
        List<Status> statuses = this.context.getStatusManager().getCopyOfStatusList();
        for (int i = statuses.size() - 1; i >= 0; i--) {
            Status status = statuses.get(i);
            if (status.getOrigin() == this.appender && status.getLevel() == Status.ERROR) {
                return status.getMessage();
            }
        }
        return "see Logback's status messages";
    }

    private Appender<ILoggingEvent> consoleAppender(Logger root) {
        for (var it = root.iteratorForAppenders(); it.hasNext();) {
            Appender<ILoggingEvent> candidate = it.next();
            if (candidate instanceof ConsoleAppender && candidate != this.appender) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Replaced by another set-up: stops the appender (its drain writes what is left) and
     * closes the ring (its file, if any).
     */
    private void retire() {
        Logger root = this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(this.appender);
        this.appender.stop();
        this.ring.closeRing();
    }

    /**
     * Whether this set-up was made for these settings.
     * @param settings the logging settings
     * @param ringSettings the ring's settings
     * @return whether both are those of this set-up
     */
    public boolean isFor(LoggingSettings settings, RingSettings ringSettings) {
        return this.settings.equals(settings) && this.ring.settings().equals(ringSettings);
    }

    /**
     * Whether the appender is started and attached to the root logger.
     * @return whether it takes events
     */
    public boolean isAttached() {
        return this.appender.isStarted()
                && this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isAttached(this.appender);
    }

    /**
     * The logging settings.
     * @return the settings
     */
    public LoggingSettings settings() {
        return this.settings;
    }

    /**
     * The ring.
     * @return the ring
     */
    public LogbufRing ring() {
        return this.ring;
    }

    /**
     * The appender.
     * @return the appender
     */
    public LogbufAppender appender() {
        return this.appender;
    }

    /**
     * The ring's drain as health, meters and the endpoint read it.
     * @return the drain
     */
    public ExternalDrain drain() {
        return this.drain;
    }

    /**
     * The appender's state, drops, failures and backlog; any thread.
     * @return the status
     */
    public LoggingStatus status() {
        return this.appender.status();
    }

    /**
     * Events dropped so far at {@code level} ({@code logbuf.logging.dropped}).
     * @param level the level
     * @return the count
     */
    public long droppedCount(Level level) {
        return this.appender.droppedCount(level);
    }

    @Override
    public String toString() {
        return "LogbufLogging[" + this.ring.name() + ", " + this.settings.format().key() + " to "
                + this.settings.output().key() + "]";
    }

    private static ch.qos.logback.core.util.Duration logbackDuration(java.time.Duration duration) {
        return ch.qos.logback.core.util.Duration.buildByMilliseconds(duration.toMillis());
    }

}
