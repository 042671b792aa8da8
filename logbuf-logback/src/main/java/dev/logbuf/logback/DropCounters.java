package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events dropped per level: in total (for meters) and since the last report written to
 * the log. Touched only when an event is dropped, never on the accepted path.
 */
final class DropCounters {

    /** TRACE, DEBUG, INFO, WARN, ERROR: {@code Level.toInt() / 10000}. */
    static final Level[] LEVELS = { Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR };

    private final AtomicLongArray total = new AtomicLongArray(LEVELS.length);

    private final AtomicLongArray unreported = new AtomicLongArray(LEVELS.length);

    static int index(Level level) {
        return index(level.toInt());
    }

    static int index(int levelInt) {
        int index = levelInt / Level.DEBUG_INT;
        return Math.max(0, Math.min(LEVELS.length - 1, index));
    }

    void dropped(int levelIndex) {
        this.total.incrementAndGet(levelIndex);
        this.unreported.incrementAndGet(levelIndex);
    }

    long total(Level level) {
        return this.total.get(index(level));
    }

    long total() {
        long sum = 0;
        for (int i = 0; i < LEVELS.length; i++) {
            sum += this.total.get(i);
        }
        return sum;
    }

    /**
     * Counts not yet reported, per level index; all zero when there is nothing to say.
     */
    long[] unreported() {
        long[] counts = new long[LEVELS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = this.unreported.get(i);
        }
        return counts;
    }

    /** Takes {@code counts} (as returned by {@link #unreported()}) as reported. */
    void reported(long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            this.unreported.addAndGet(i, -counts[i]);
        }
    }

    static String describe(long[] counts) {
        StringBuilder text = new StringBuilder();
        for (int i = counts.length - 1; i >= 0; i--) {
            if (counts[i] > 0) {
                text.append((text.length() > 0) ? ", " : "").append(LEVELS[i]).append('=').append(counts[i]);
            }
        }
        return text.toString();
    }

    static long sum(long[] counts) {
        long sum = 0;
        for (long count : counts) {
            sum += count;
        }
        return sum;
    }

}
