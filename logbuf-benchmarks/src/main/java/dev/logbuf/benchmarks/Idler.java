package dev.logbuf.benchmarks;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What a producer facing a full ring, or a consumer facing an empty one, does before its
 * next attempt; identical for every contender. It spins ({@link Thread#onSpinWait()}) for
 * {@link #SPIN_LIMIT} consecutive misses, then yields until the next hit: spinning keeps
 * the SPSC hand-off fast when each thread has a core, yielding lets the third thread of
 * the two-producer case run on a two-core machine instead of burning its peer's time
 * slice.
 */
@State(Scope.Thread)
public class Idler {

    /** Consecutive misses spent spinning before the thread starts yielding. */
    public static final int SPIN_LIMIT = 100;

    private int misses;

    /** The last attempt succeeded. */
    public void hit() {
        misses = 0;
    }

    /** The last attempt found the ring full (producer) or empty (consumer). */
    public void miss() {
        if (misses < SPIN_LIMIT) {
            misses++;
            Thread.onSpinWait();
        }
        else {
            Thread.yield();
        }
    }

}
