package dev.logbuf.stress;

import static dev.logbuf.stress.Records.D8;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rings whose record at position 0 was claimed and filled (with {@link Records#D8}) by a
 * thread that has terminated without committing it: the state {@code Consumer.unblock} is
 * for. A jcstress actor thread never terminates, so the dead claimants are real threads
 * made here, one per batch of {@value #BATCH} rings (a thread per sample would make the
 * state constructor, not the race, the bulk of the run): each claims on every ring of its
 * batch and ends; it is joined before any of its rings is handed out, which also hands
 * the rings (and an SPSC ring's producer) over to the actors with a happens-before edge.
 */
final class DeadClaims {

    private static final int BATCH = 512;

    private static final Deque<Dead> SPSC = new ArrayDeque<>();

    private static final Deque<Dead> MPSC = new ArrayDeque<>();

    private DeadClaims() {
    }

    /** A ring with a dead claim at position 0, and its producer. */
    record Dead(RingBuffer ring, Producer producer) {

    }

    /**
     * A fresh 64-byte ring of {@code type} with a dead thread's claim of 8 bytes at
     * position 0, and its producer (an SPSC ring hands its producer out once).
     */
    static synchronized Dead ring(RingBuffer.Type type) {
        Deque<Dead> pool = (type == RingBuffer.Type.SPSC) ? SPSC : MPSC;
        if (pool.isEmpty()) {
            refill(type, pool);
        }
        return pool.pop();
    }

    private static void refill(RingBuffer.Type type, Deque<Dead> pool) {
        Dead[] rings = new Dead[BATCH];
        for (int i = 0; i < BATCH; i++) {
            RingBuffer ring = (type == RingBuffer.Type.SPSC) ? RingBuffer.spsc(64) : RingBuffer.mpsc(64);
            rings[i] = new Dead(ring, ring.producer());
        }
        String[] failure = new String[1];
        Thread claimant = new Thread(() -> {
            for (Dead dead : rings) {
                WriteClaim claim = dead.producer().tryClaim(D8.length());
                if (claim == null) {
                    failure[0] = "an empty 64-byte ring refused an 8-byte claim";
                    return;
                }
                D8.fill(claim); // and never committed: this thread ends holding it
            }
        }, "dead-claimant");
        claimant.start();
        try {
            claimant.join();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making dead claims", ex);
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        for (Dead dead : rings) {
            pool.push(dead);
        }
    }

}
