package dev.logbuf.spring.boot;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LogbufNanoClock} that a test moves by hand, so that stall timeouts and log
 * intervals pass without waiting.
 */
public final class TestNanoClock implements LogbufNanoClock {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return this.nanos.get();
    }

    /**
     * Moves the clock forward.
     * @param duration how far
     */
    public void advance(Duration duration) {
        this.nanos.addAndGet(duration.toNanos());
    }

}
