package dev.logbuf.spring.boot;

import java.time.Duration;
import java.util.function.Supplier;

import dev.logbuf.drain.IdleStrategy;

/**
 * What a ring's drain thread does when a drain call found no committed record
 * ({@code logbuf.rings.<name>.drain.idle-strategy}): one of the core's
 * {@link IdleStrategy} factories, named as the property writes it.
 */
public enum IdleStrategyType {

    /** {@link IdleStrategy#busySpin()}: lowest latency, one core fully busy. */
    BUSY_SPIN(IdleStrategy::busySpin),

    /**
     * {@link IdleStrategy#yielding()}: low latency, the core stays busy unless others
     * want it.
     */
    YIELD(IdleStrategy::yielding),

    /**
     * {@link IdleStrategy#backoff()}: 100 spins, 10 yields, then parks from 1 &micro;s
     * doubling up to 1 ms; any record starts it again with spinning.
     */
    BACKOFF(IdleStrategy::backoff),

    /**
     * {@link IdleStrategy#parking(Duration)} for 1 ms each time: least CPU, up to that
     * much added latency.
     */
    PARK(() -> IdleStrategy.parking(Duration.ofMillis(1)));

    private final Supplier<IdleStrategy> factory;

    IdleStrategyType(Supplier<IdleStrategy> factory) {
        this.factory = factory;
    }

    /**
     * A new idle strategy of this type, for one drain thread.
     * @return the strategy
     */
    public IdleStrategy create() {
        return this.factory.get();
    }

}
