package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ScanException;
import ch.qos.logback.core.util.FileSize;
import ch.qos.logback.core.util.OptionHelper;
import dev.logbuf.Consumer;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import dev.logbuf.drain.DrainAgent;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Logback appender that encodes each event on the logging thread into one record of an
 * MPSC ring, and a drain thread that writes the records to standard output (or to any
 * {@link OutputStream}, or hands them to the ring's own {@link RecordSink}). The logging
 * thread never waits on the output: when the ring is full the {@link FullRingPolicy}
 * decides, and what it drops is counted per level and reported in the log.
 *
 * <pre>{@code
 * <appender name="CONSOLE" class="dev.logbuf.logback.LogbufAppender">
 *   <format>pattern</format>          <!-- or ecs, logstash, gelf (needs spring-boot) -->
 *   <capacity>1MB</capacity>
 * </appender>
 * }</pre>
 *
 * <p>
 * <b>Lifecycle</b> (docs/logging.md): the appender owns its drain. Logback's
 * {@link #start()} starts it; Logback's {@link #stop()} (a configuration reset, the
 * logger context's stop at exit) first lets the drain hand over every record, then has
 * any event still arriving from a thread that raced with the stop written by that thread
 * itself, so that every event the appender accepted comes out exactly once, in order per
 * thread. A ring given with {@link #setRing} outlives the appender: a restarted appender
 * goes on with it.
 *
 * <p>
 * This class is above 400 lines because its Joran settings (each a setter with its check)
 * and the stop protocol belong together; the writing side lives in {@link RingWriter},
 * the sinks in {@link OutputStreamSink} and {@link MonitoredSink}.
 */
public class LogbufAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** The layout used when neither a pattern nor Boot's CONSOLE_LOG_PATTERN is set. */
    public static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5level ${PID:-} --- "
            + "[%15.15thread] %-40.40logger{39} : %msg%n";

    static final String BOOT_PATTERN_PROPERTY = "CONSOLE_LOG_PATTERN";

    private static final int DRAIN_BATCH = 256;

    private static final Map<String, String> FORMATS = Map.of("pattern", "pattern", "ecs", "ecs", "logstash",
            "logstash", "gelf", "gelf");

    // settings
    private String ringName = "logs";

    private long capacity = 1024 * 1024;

    private String format = "pattern";

    private String pattern;

    private Charset charset = StandardCharsets.UTF_8;

    private Encoder<ILoggingEvent> encoder;

    private String output = "console";

    private OutputStream outputStream;

    private RecordSink sink;

    private FullRingPolicy policy = FullRingPolicy.DEFAULT;

    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private Duration dropReportInterval = Duration.ofSeconds(5);

    private Duration stallTimeout = Duration.ofSeconds(5);

    // kept across restarts
    private RingBuffer ring;

    private Consumer consumer;

    private LoggingDrain drain;

    private final DropCounters drops = new DropCounters();

    // one run (set in start() before `started` is published)
    private RecordEncoder recordEncoder;

    private RingWriter writer;

    private boolean everStarted;

    private boolean exitHookEnabled = true;

    private Thread exitHook;

    // ---------------------------------------------------------------- settings

    /**
     * The ring's name, used in the drain thread's name ({@code logbuf-drain-<name>}) and
     * in messages (default {@code logs}).
     * @param ringName the name
     */
    public void setRingName(String ringName) {
        this.ringName = requireText(ringName, "ringName");
    }

    /**
     * Capacity of the ring the appender creates when none is given with {@link #setRing}:
     * {@code 1MB} by default; {@code KB}, {@code MB}, {@code GB} are binary; rounded up
     * to a power of two, 16 bytes to 1 GiB.
     * @param capacity the capacity
     */
    public void setCapacity(FileSize capacity) {
        long size = capacity.getSize();
        if (size < 16 || size > (1L << 30)) {
            throw new IllegalArgumentException("capacity must be between 16 bytes and 1GB, was " + capacity + " ("
                    + size + " bytes); a ring holds bursts of encoded events, 1MB suits most applications");
        }
        this.capacity = size;
    }

    /**
     * {@code pattern} (the default: {@link #setPattern}) or one of Spring Boot's
     * structured formats {@code ecs}, {@code logstash}, {@code gelf} (one JSON object per
     * line; needs {@code spring-boot} on the class path).
     * @param format the format
     */
    public void setFormat(String format) {
        String key = requireText(format, "format").trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.containsKey(key)) {
            throw new IllegalArgumentException("format must be one of pattern, ecs, logstash, gelf; was '" + format
                    + "' (for another layout, set an <encoder> instead)");
        }
        this.format = key;
    }

    /**
     * The Logback pattern of format {@code pattern}. Default: the logger context's
     * {@code CONSOLE_LOG_PATTERN} property (Spring Boot's console pattern, present in a
     * Boot application or after including Boot's
     * {@code org/springframework/boot/logging/logback/defaults.xml}), else
     * {@link #DEFAULT_PATTERN}.
     * @param pattern the pattern
     */
    public void setPattern(String pattern) {
        this.pattern = requireText(pattern, "pattern");
    }

    /**
     * Charset of format {@code pattern} and of the structured formats (default UTF-8, the
     * one without a copy through {@code String}).
     * @param charset the charset
     */
    public void setCharset(Charset charset) {
        this.charset = Objects.requireNonNull(charset, "charset");
    }

    /**
     * Any Logback encoder, in place of {@code format}. A {@code PatternLayoutEncoder} is
     * run by the appender's own allocation-free pattern path; any other encoder's
     * {@code byte[]} is copied into the ring.
     * @param encoder the encoder
     */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    /**
     * {@code console} (default): the drain writes the records to standard output (or to
     * {@link #setOutputStream}); {@code ring}: the drain hands them to the
     * {@link #setSink sink} given by the application (an archive, say).
     * @param output the output
     */
    public void setOutput(String output) {
        String key = requireText(output, "output").trim().toLowerCase(Locale.ROOT);
        if (!key.equals("console") && !key.equals("ring")) {
            throw new IllegalArgumentException("output must be 'console' (standard output) or 'ring' (the ring's own"
                    + " sink, set with setSink), was '" + output + "'");
        }
        this.output = key;
    }

    /**
     * With output {@code console}: write here instead of standard output (never closed by
     * the appender).
     * @param outputStream the stream
     */
    public void setOutputStream(OutputStream outputStream) {
        this.outputStream = Objects.requireNonNull(outputStream, "outputStream");
    }

    /**
     * With output {@code ring}: the sink the drain hands the records to. It is closed
     * when the appender stops.
     * @param sink the sink
     */
    public void setSink(RecordSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * The lowest level that may use the reserve and wait for room (default {@code WARN});
     * see {@link FullRingPolicy}.
     * @param level a level name: TRACE, DEBUG, INFO, WARN, ERROR or OFF
     */
    public void setWaitLevel(String level) {
        Level parsed = Level.toLevel(requireText(level, "waitLevel").trim(), null);
        if (parsed == null || parsed == Level.ALL) {
            throw new IllegalArgumentException(
                    "waitLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF; was '" + level + "'");
        }
        this.policy = new FullRingPolicy(parsed, this.policy.reservePercent(), this.policy.maxWait());
    }

    /**
     * The share of the ring, in percent (0 to 90), kept for events at or above the wait
     * level (default 25).
     * @param reservePercent the share
     */
    public void setReservePercent(int reservePercent) {
        this.policy = new FullRingPolicy(this.policy.waitLevel(), reservePercent, this.policy.maxWait());
    }

    /**
     * The longest a call at or above the wait level waits for room (default
     * {@code 1 second}; {@code 0 milliseconds} never waits).
     * @param maxWait the bound
     */
    public void setMaxWait(ch.qos.logback.core.util.Duration maxWait) {
        this.policy = new FullRingPolicy(this.policy.waitLevel(), this.policy.reservePercent(),
                Duration.ofMillis(maxWait.getMilliseconds()));
    }

    /**
     * The whole full-ring policy at once (for code; XML sets its three parts).
     * @param policy the policy
     */
    public void setFullRingPolicy(FullRingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * How long {@link #stop()} lets the drain hand over what is in the ring (default
     * {@code 10 seconds}).
     * @param timeout the bound
     */
    public void setShutdownTimeout(ch.qos.logback.core.util.Duration timeout) {
        this.shutdownTimeout = positive(timeout, "shutdownTimeout");
    }

    /**
     * The least time between two reports of dropped events in the log (default
     * {@code 5 seconds}).
     * @param interval the interval
     */
    public void setDropReportInterval(ch.qos.logback.core.util.Duration interval) {
        this.dropReportInterval = positive(interval, "dropReportInterval");
    }

    /**
     * How long one sink call may last before {@link #status()} says
     * {@link LoggingStatus.State#STALLED} (default {@code 5 seconds}).
     * @param timeout the bound
     */
    public void setStallTimeout(ch.qos.logback.core.util.Duration timeout) {
        this.stallTimeout = positive(timeout, "stallTimeout");
    }

    /**
     * A ring to write into instead of one the appender creates (an MPSC ring). It
     * outlives the appender, which takes its consumer on first start unless one is given
     * with {@link #setConsumer}.
     * @param ring the ring
     */
    public void setRing(RingBuffer ring) {
        if (ring.type() != RingBuffer.Type.MPSC) {
            throw new IllegalArgumentException("the logging ring must be an MPSC ring (many threads log), was "
                    + ring.type() + ": create it with RingBuffer.mpsc(...)");
        }
        this.ring = ring;
    }

    /**
     * The consumer of the ring given with {@link #setRing}, when it was taken already.
     * Nobody else may read with it while the appender runs.
     * @param consumer the ring's consumer
     */
    public void setConsumer(Consumer consumer) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
    }

    /**
     * Whether the appender registers a JVM shutdown hook that lets the drain empty the
     * ring before the JVM exits (default {@code true}): it covers a {@code logback.xml}
     * without {@code <shutdownHook/>}, whose appenders are never stopped. The logger
     * context's stop (Boot's, or Logback's shutdown hook) drains everything anyway.
     * @param exitHook whether to register the hook
     */
    public void setExitHook(boolean exitHook) {
        this.exitHookEnabled = exitHook;
    }

    // ---------------------------------------------------------------- monitoring

    /** The ring, once started (or once given). */
    public Optional<RingBuffer> ring() {
        return Optional.ofNullable(this.ring);
    }

    /** The drain loop, once started. */
    public Optional<DrainAgent> drainAgent() {
        LoggingDrain d = this.drain;
        return (d != null) ? Optional.of(d.agent()) : Optional.empty();
    }

    /** The full-ring policy in force. */
    public FullRingPolicy fullRingPolicy() {
        return this.policy;
    }

    /**
     * Events dropped so far at {@code level} (for the meter
     * {@code logbuf.logging.dropped}).
     * @param level TRACE, DEBUG, INFO, WARN or ERROR
     * @return the count
     */
    public long droppedCount(Level level) {
        return this.drops.total(level);
    }

    /** A snapshot for health checks; any thread. */
    public LoggingStatus status() {
        Map<Level, Long> dropped = new LinkedHashMap<>();
        for (Level level : DropCounters.LEVELS) {
            dropped.put(level, this.drops.total(level));
        }
        LoggingDrain d = this.drain;
        DrainAgent drain = (d != null) ? d.agent() : null;
        long busy = (d != null) ? d.sinkBusyForNanos() : 0;
        Throwable failure = (drain != null) ? drain.lastFailure().orElse(null) : null;
        LoggingStatus.State state;
        if (!this.everStarted) {
            state = LoggingStatus.State.NOT_STARTED;
        }
        else if (!isStarted()) {
            state = LoggingStatus.State.STOPPED;
        }
        else if (busy > this.stallTimeout.toNanos()) {
            state = LoggingStatus.State.STALLED;
        }
        else if (failure != null || !drain.isThreadAlive()) {
            state = LoggingStatus.State.FAILING;
            failure = (failure != null) ? failure : new IllegalStateException("the drain thread ended");
        }
        else {
            state = LoggingStatus.State.RUNNING;
        }
        RingBuffer r = this.ring;
        long used = (r != null) ? Math.max(0, r.producerPosition() - r.consumerPosition()) : 0;
        RingWriter w = this.writer;
        return new LoggingStatus(state, busy, failure, (drain != null) ? drain.failures() : 0,
                (drain != null) ? drain.recordsDrained() : 0, Collections.unmodifiableMap(dropped),
                (w != null) ? w.truncated() : 0, (w != null) ? w.waitsTimedOut() : 0, used);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        try {
            startDrain();
        }
        catch (RuntimeException ex) {
            addError("logbuf appender [" + getName() + "] not started: " + ex.getMessage(), ex);
            return;
        }
        this.everStarted = true;
        super.start();
        if (this.exitHookEnabled && this.exitHook == null) {
            this.exitHook = new Thread(this::awaitDrainedAtExit, "logbuf-exit-" + this.ringName);
            try {
                Runtime.getRuntime().addShutdownHook(this.exitHook);
            }
            catch (IllegalStateException ex) {
                this.exitHook = null; // the JVM is exiting already
            }
        }
    }

    /** The exit hook: lets the drain write what is in the ring before the JVM exits. */
    private void awaitDrainedAtExit() {
        LoggingDrain d = this.drain;
        if (d != null && isStarted()) {
            d.awaitDrained(this.shutdownTimeout, this.stallTimeout);
        }
    }

    private void startDrain() {
        if (getContext() == null) {
            throw new IllegalStateException("no logger context: call setContext(...) before start()");
        }
        RecordSink target = resolveSink();
        this.recordEncoder = resolveEncoder();
        if (this.ring == null) {
            this.ring = RingBuffer.mpsc((int) this.capacity);
        }
        if (this.consumer == null) {
            this.consumer = this.ring.consumer();
        }
        this.writer = new RingWriter(this.ring, this.ring.producer(), this.policy, this.drops);
        if (this.drain == null || this.drain.target() != target) {
            this.drain = new LoggingDrain(this, "logbuf appender [" + getName() + "]", this.ring, this.consumer, target,
                    this.ringName, this.stallTimeout, this.drops);
        }
        this.drain.start(this.recordEncoder, this.writer, this.policy, this.dropReportInterval);
    }

    private RecordSink resolveSink() {
        if (this.output.equals("ring")) {
            if (this.sink == null) {
                throw new IllegalStateException("output is 'ring' but no sink was set: give the appender the ring's"
                        + " sink with setSink(...), or use output 'console'");
            }
            return this.sink;
        }
        if (this.drain != null && this.drain.target() instanceof OutputStreamSink) {
            return this.drain.target(); // a restart keeps what it knows was written
        }
        return (this.outputStream != null) ? new OutputStreamSink(this.outputStream, false)
                : OutputStreamSink.standardOutput();
    }

    private RecordEncoder resolveEncoder() {
        if (this.encoder != null) {
            if (this.encoder instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping
                    && wrapping.getLayout() instanceof PatternLayout layout && layout.getPattern() != null) {
                Charset cs = (wrapping.getCharset() != null) ? wrapping.getCharset() : Charset.defaultCharset();
                return new PatternRecordEncoder(getContext(), layout.getPattern(), cs);
            }
            if (!this.encoder.isStarted()) {
                this.encoder.setContext(getContext());
                this.encoder.start();
            }
            return new EncoderRecordEncoder(this.encoder, false);
        }
        if (!this.format.equals("pattern")) {
            if (!isPresent(StructuredFormats.BOOT_ENCODER)) {
                throw new IllegalStateException("format '" + this.format + "' is Spring Boot's structured logging:"
                        + " add org.springframework.boot:spring-boot to the class path, or use format 'pattern'");
            }
            return new EncoderRecordEncoder(StructuredFormats.encoder(getContext(), this.format, this.charset), true);
        }
        String layout = this.pattern;
        if (layout == null) {
            String boot = getContext().getProperty(BOOT_PATTERN_PROPERTY);
            layout = (boot != null && !boot.isBlank()) ? boot : DEFAULT_PATTERN;
        }
        String resolved;
        try {
            resolved = OptionHelper.substVars(layout, getContext());
        }
        catch (ScanException ex) {
            throw new IllegalArgumentException(
                    "pattern '" + layout + "' has a malformed ${...} variable: " + ex.getMessage(), ex);
        }
        return new PatternRecordEncoder(getContext(), resolved, this.charset);
    }

    /**
     * Stops: the drain hands over every record (for at most the shutdown timeout), then
     * every caller still logging through this appender drains the ring itself, and the
     * sink is closed.
     */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        this.drain.stop(this.shutdownTimeout);
        super.stop(); // from here Logback hands this appender no new event
        this.drain.closeSink();
        this.recordEncoder.stop();
        removeExitHook();
    }

    private void removeExitHook() {
        Thread hook = this.exitHook;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                this.exitHook = null;
            }
            catch (IllegalStateException ex) {
                // the JVM is exiting: the hook runs or ran, and finds the appender
                // stopped
            }
        }
    }

    // ---------------------------------------------------------------- the logging path

    @Override
    protected void append(ILoggingEvent event) {
        EncodeBuffer buffer = EncodeBuffer.forCurrentThread();
        byte[] bytes = this.recordEncoder.encode(event, buffer);
        if (buffer.length > 0 && this.writer.write(bytes, buffer.length, event.getLevel().toInt(), buffer)) {
            this.drain.afterWrite(); // after stop: this caller drains (LoggingDrain)
        }
        buffer.trim();
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, LogbufAppender.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    private static Duration positive(ch.qos.logback.core.util.Duration duration, String name) {
        if (duration == null || duration.getMilliseconds() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return Duration.ofMillis(duration.getMilliseconds());
    }

}
