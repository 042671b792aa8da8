package dev.logbuf.logback;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.BasicSequenceNumberGenerator;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.spi.SequenceNumberGenerator;
import java.util.Objects;

/**
 * Moves a logger's events from one appender to another (Spring Boot's console appender to
 * a {@link LogbufAppender}) while other threads log, without losing or doubling one.
 *
 * <p>
 * Logback hands an event to a logger's appenders one after the other, in the order they
 * were attached, from a snapshot of the list taken after the event was created. So
 * {@code to} is attached after {@code from}, and the switch is a sequence number drawn
 * from the context's {@link SequenceNumberGenerator} after that (a generator is installed
 * when the context has none): an event numbered above it was created after {@code to} was
 * attached, so its snapshot holds both. A filter on {@code from} lets through the events
 * numbered up to the switch and notes, on the logging thread, each one it let through; a
 * filter on {@code to} denies exactly those. Each event is written by one of the two, and
 * a thread's events stay in order: those {@code from} wrote were out before that thread's
 * first event entered {@code to}.
 *
 * <p>
 * {@code from} stays attached (denying every later event): a thread may still hold a
 * snapshot with only {@code from}, or be between {@code from}'s filter and its write, and
 * detaching or stopping it then would lose that event (the first version of this class
 * did, one event per thread at the switch: AppenderHandoffTest). The logger context's
 * next reset (Boot's re-initialization, the stop at exit) removes both. Until then each
 * event costs one more filter call and one sequence number (an atomic increment).
 */
public final class AppenderHandoff {

    private AppenderHandoff() {
    }

    /**
     * Hands {@code logger}'s events over from {@code from} (attached to it) to {@code to}
     * (started, not yet attached).
     * @param logger the logger both are attached to (usually the root logger)
     * @param from the appender that gives its events up
     * @param to the appender that takes them over
     * @throws IllegalArgumentException if {@code from} is not attached to {@code logger},
     * or {@code to} is already attached or not started
     */
    public static void handOver(Logger logger, Appender<ILoggingEvent> from, Appender<ILoggingEvent> to) {
        Objects.requireNonNull(logger, "logger");
        if (!logger.isAttached(from)) {
            throw new IllegalArgumentException("appender [" + from.getName() + "] is not attached to logger '"
                    + logger.getName() + "': nothing to hand over");
        }
        if (logger.isAttached(to)) {
            throw new IllegalArgumentException("appender [" + to.getName() + "] is attached to logger '"
                    + logger.getName() + "' already: hand over to an appender that is not attached yet");
        }
        if (!to.isStarted()) {
            throw new IllegalArgumentException(
                    "appender [" + to.getName() + "] is not started: start it before handing events to it");
        }
        SequenceNumberGenerator numbers = sequenceNumbers(logger.getLoggerContext());
        Switch handoff = new Switch();
        from.addFilter(handoff.giving);
        to.addFilter(handoff.taking);
        logger.addAppender(to); // after `from`: Logback calls it second for each event
        // Volatile write: pairs with the read in `giving`. The number is drawn after
        // the attach: a later event's snapshot of the appenders holds `to`.
        handoff.switchNumber = numbers.nextSequenceNumber();
    }

    private static SequenceNumberGenerator sequenceNumbers(LoggerContext context) {
        context.getConfigurationLock().lock();
        try {
            SequenceNumberGenerator numbers = context.getSequenceNumberGenerator();
            if (numbers == null) {
                BasicSequenceNumberGenerator basic = new BasicSequenceNumberGenerator();
                basic.setContext(context);
                context.setSequenceNumberGenerator(basic);
                numbers = basic;
            }
            return numbers;
        }
        finally {
            context.getConfigurationLock().unlock();
        }
    }

    /** The two filters and what they share. */
    static final class Switch {

        /**
         * Events numbered above it go to `to`; no switch yet while it is
         * {@code Long.MAX_VALUE}. Volatile: written once by handOver, read by every
         * logging thread.
         */
        volatile long switchNumber = Long.MAX_VALUE;

        /** The last event `from` let through, per logging thread. */
        final ThreadLocal<ILoggingEvent> passed = new ThreadLocal<>();

        final Filter<ILoggingEvent> giving = new Filter<>() {

            @Override
            public FilterReply decide(ILoggingEvent event) {
                if (event.getSequenceNumber() > Switch.this.switchNumber) {
                    return FilterReply.DENY;
                }
                Switch.this.passed.set(event);
                return FilterReply.NEUTRAL;
            }
        };

        final Filter<ILoggingEvent> taking = new Filter<>() {

            @Override
            public FilterReply decide(ILoggingEvent event) {
                if (Switch.this.passed.get() == event) {
                    Switch.this.passed.remove();
                    return FilterReply.DENY; // `from` wrote it
                }
                return FilterReply.NEUTRAL;
            }
        };

        Switch() {
            this.giving.setName("logbuf-handoff-giving");
            this.taking.setName("logbuf-handoff-taking");
            this.giving.start();
            this.taking.start();
        }

    }

}
