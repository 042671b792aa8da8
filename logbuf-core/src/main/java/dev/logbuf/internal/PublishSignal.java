package dev.logbuf.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Not API: may change without notice. Wakes one parked waiter when a ring publishes a
 * record (commit or abort) or when a channel changes state.
 *
 * <p>
 * Protocol (Dekker style, no lost wake-up): the waiter stores itself with a volatile
 * write, then re-checks its condition, then parks; the publisher makes its change
 * visible, issues a full fence, then reads the waiter. One of the two must see the
 * other's write: either the waiter's re-check sees the change, or the publisher sees the
 * waiter and unparks it.
 */
public final class PublishSignal {

    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(PublishSignal.class, "waiter", Thread.class);
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through WAITER
    private volatile Thread waiter;

    /**
     * Called by the publisher after its change is visible (release store or stronger).
     */
    public void signal() {
        // StoreLoad: orders the publisher's preceding store (the header or the
        // closed flag) before the read of the waiter; pairs with the volatile
        // store in prepareToPark() followed by the waiter's re-check.
        VarHandle.fullFence();
        Thread t = (Thread) WAITER.getOpaque(this);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Registers the calling thread as the waiter. The caller must re-check its condition
     * after this and before {@link LockSupport#park}. Only one thread may wait on a
     * signal at a time.
     */
    public void prepareToPark() {
        // Volatile store: full fence after it, so the re-check that follows cannot
        // be satisfied by a read from before the store; pairs with signal()'s fence.
        WAITER.setVolatile(this, Thread.currentThread());
        // StoreLoad, explicit: the caller's re-check loads must not be satisfied
        // before the store above is visible; pairs with the fence in signal().
        VarHandle.fullFence();
    }

    /** Deregisters the waiter after parking. */
    public void parked() {
        WAITER.setOpaque(this, (Thread) null);
    }

}
