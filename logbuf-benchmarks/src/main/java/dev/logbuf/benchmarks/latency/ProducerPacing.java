package dev.logbuf.benchmarks.latency;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.annotations.State;

/**
 * Spaces a producer's records out so that the consumer keeps up and the sampled time is
 * the write itself, not a wait for a full ring to drain. The pause runs as a
 * per-invocation setup, which JMH keeps outside the timed region.
 */
@State(Scope.Thread)
public class ProducerPacing {

    /**
     * {@link Blackhole#consumeCPU(long)} tokens between two records of one producer (a
     * few hundred ns).
     */
    public static final long PAUSE_TOKENS = 100;

    @Setup(Level.Invocation)
    public void pause() {
        Blackhole.consumeCPU(PAUSE_TOKENS);
    }

}
