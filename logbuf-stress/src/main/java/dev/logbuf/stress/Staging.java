package dev.logbuf.stress;

import java.util.function.BooleanSupplier;

/**
 * One-sided waits that force an interleaving in a jcstress test (for example "B is
 * claimed only after A"). A wait never depends on a later step of the thread it waits
 * for, so the actors cannot deadlock; the bound only protects the run against a broken
 * ring and shows up as its own outcome.
 */
public final class Staging {

    /**
     * Far above any legitimate wait (the other actor runs a few hundred instructions).
     */
    private static final long BOUND_NANOS = 2_000_000_000L;

    private Staging() {
    }

    /**
     * Spins (then yields) until {@code condition} holds; {@code false} if the bound ran
     * out.
     */
    public static boolean await(BooleanSupplier condition) {
        long deadline = 0;
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (spins < 1_000) {
                Thread.onSpinWait();
                continue;
            }
            if (deadline == 0) {
                deadline = System.nanoTime() + BOUND_NANOS;
            }
            else if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

}
