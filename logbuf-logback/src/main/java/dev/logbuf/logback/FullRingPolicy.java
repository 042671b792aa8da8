package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * What the appender does with an event when the ring has no room for it.
 *
 * <ul>
 * <li>Events below {@link #waitLevel()} (by default TRACE, DEBUG, INFO) are dropped, and
 * counted, as soon as taking them would leave less than {@link #reservePercent()} of the
 * ring free: a flood of INFO never takes the room that WARN and ERROR need.</li>
 * <li>Events at or above it (WARN, ERROR) may use the whole ring; when even that is full,
 * the caller waits for room for at most {@link #maxWait()}, then drops the event and
 * counts it. While the ring has not moved since such a time-out (the output is blocked),
 * later events do not wait again: the caller loses at most {@code maxWait} once per
 * stall, not once per event.</li>
 * </ul>
 * The defaults and why: docs/logging.md.
 *
 * @param waitLevel the lowest level that may wait and use the reserve ({@code OFF}: no
 * event waits or uses the reserve; {@code TRACE}: every event does)
 * @param reservePercent the share of the ring, 0 to 90, kept for events at or above
 * {@code waitLevel}
 * @param maxWait the longest one call waits for room; zero never waits
 */
public record FullRingPolicy(Level waitLevel, int reservePercent, Duration maxWait) {

    /** WARN and ERROR keep a quarter of the ring and wait up to one second. */
    public static final FullRingPolicy DEFAULT = new FullRingPolicy(Level.WARN, 25, Duration.ofSeconds(1));

    public FullRingPolicy {
        Objects.requireNonNull(waitLevel, "waitLevel");
        Objects.requireNonNull(maxWait, "maxWait");
        if (reservePercent < 0 || reservePercent > 90) {
            throw new IllegalArgumentException(
                    "reservePercent must be between 0 and 90 (the share of the ring kept for events at or above "
                            + waitLevel + "), was " + reservePercent);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative (0 never waits), was " + maxWait);
        }
    }

}
