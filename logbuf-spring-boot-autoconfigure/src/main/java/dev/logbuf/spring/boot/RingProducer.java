package dev.logbuf.spring.boot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;

/**
 * The {@code @Qualifier("<name>") Producer} bean of a ring: passes every call to the
 * ring's own producer and counts the calls that found the ring full
 * ({@code logbuf.claims.rejected}). A successful claim or offer touches no shared
 * counter: only the rejected path increments a {@link LongAdder}, whose cells spread
 * contention when many producers find the ring full at once.
 *
 * <p>
 * Once the ring's drain loop has been stopped (after the web server's graceful shutdown),
 * claims and offers are refused as if the ring were full, so that the final drain sees a
 * ring that only shrinks; those refusals are not counted as rejections. Starting the
 * drain loop again accepts them again.
 *
 * <p>
 * <b>SPSC rings: one producing thread.</b> The producer of an SPSC ring must not be used
 * by two threads at once; used so (say, injected into a controller that many request
 * threads call) it silently loses records it reported accepted. This bean therefore
 * belongs to the first thread that claims or offers through it, and throws an
 * {@link IllegalStateException} naming the ring and both threads when another thread
 * does. It changes hands only in two ways, both of which order the old owner's writes
 * before the new owner's: the owner calls {@link #release()} (then the next thread to
 * write takes it), or the owner has terminated (then the next thread takes it over). Many
 * writing threads need an {@code mpsc} ring. The check costs the single-thread fast path
 * one comparison of the current thread with a field only the owner writes.
 */
public final class RingProducer implements Producer {

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(RingProducer.class, "owner", Thread.class);
        }
        catch (ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final String ringName;

    private final Producer delegate;

    /** Whether this is an SPSC ring's producer, which one thread at a time may use. */
    private final boolean singleProducer;

    /**
     * SPSC only: the thread that may write, {@code null} while none has (or after
     * {@link #release()}). Changed only by compareAndSet (to take it) and setRelease (to
     * give it up); read plain on the fast path, where a thread can only read itself if it
     * is the owner: only a thread stores itself here, and it is replaced only by its own
     * release or after it terminated.
     */
    @SuppressWarnings("unused")
    private Thread owner;

    private final LongAdder rejected = new LongAdder();

    /**
     * Written by the drain lifecycle's start/stop; read on every claim. A volatile load
     * of a field that changes twice per application lifetime stays in every producer
     * core's cache, so it costs nothing measurable.
     */
    private volatile boolean refusing;

    RingProducer(String ringName, RingBuffer.Type type, Producer delegate) {
        this.ringName = ringName;
        this.delegate = delegate;
        this.singleProducer = type == RingBuffer.Type.SPSC;
    }

    @Override
    public WriteClaim tryClaim(int length) {
        checkOwner();
        // volatile read: pairs with the volatile write in refuseClaims(), so a claim
        // that starts after the drain loop's stop() is refused
        if (this.refusing) {
            return null;
        }
        WriteClaim claim = this.delegate.tryClaim(length);
        if (claim == null) {
            this.rejected.increment();
        }
        return claim;
    }

    @Override
    public boolean offer(byte[] src) {
        checkOwner();
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src));
    }

    @Override
    public boolean offer(byte[] src, int off, int len) {
        checkOwner();
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src, off, len));
    }

    @Override
    public boolean offer(ByteBuffer src) {
        checkOwner();
        // volatile read: pairs with the volatile write in refuseClaims()
        if (this.refusing) {
            return false;
        }
        return counted(this.delegate.offer(src));
    }

    @Override
    public int capacity() {
        return this.delegate.capacity();
    }

    @Override
    public int maxRecordLength() {
        return this.delegate.maxRecordLength();
    }

    /**
     * The name of the ring this producer writes to.
     * @return the ring's name
     */
    public String ringName() {
        return this.ringName;
    }

    /**
     * SPSC ring: gives up the calling thread's ownership of this producer, so that
     * another thread may write next (it takes the producer with its first claim or
     * offer). Everything the caller wrote before is ordered before what the next owner
     * writes. Call it only with no claim of the caller still open. Does nothing for an
     * MPSC ring, or when no thread owns the producer.
     * @throws IllegalStateException when another thread owns the producer
     */
    public void release() {
        if (!this.singleProducer) {
            return;
        }
        Thread current = Thread.currentThread();
        Thread owner = (Thread) OWNER.getAcquire(this);
        if (owner == current) {
            // release: the owner's claims happen-before the next owner's compareAndSet
            OWNER.setRelease(this, null);
        }
        else if (owner != null) {
            throw misuse(current, owner, "release");
        }
    }

    private void checkOwner() {
        if (this.singleProducer && (Thread) OWNER.get(this) != Thread.currentThread()) {
            takeOwnership(Thread.currentThread());
        }
    }

    private void takeOwnership(Thread current) {
        while (true) {
            // acquire: pairs with the owner's setRelease in release()
            Thread owner = (Thread) OWNER.getAcquire(this);
            if (owner == current) {
                return;
            }
            // a terminated owner's actions happen-before isAlive() returning false
            if (owner != null && owner.isAlive()) {
                throw misuse(current, owner, "write");
            }
            // volatile CAS: pairs with the setRelease in release(), and fails when
            // another thread took the producer first
            if (OWNER.compareAndSet(this, owner, current)) {
                return;
            }
        }
    }

    private IllegalStateException misuse(Thread current, Thread owner, String what) {
        return new IllegalStateException("The Producer bean of SPSC ring '" + this.ringName + "' belongs to thread '"
                + owner.getName() + "' (id " + owner.getId() + "); thread '" + current.getName() + "' (id "
                + current.getId() + ") may not " + what + " through it. An SPSC ring takes one producing thread:"
                + " set logbuf.rings." + this.ringName + ".type=mpsc for many, or hand the producer over: its"
                + " owner calls RingProducer.release() (or ends) before another thread writes.");
    }

    private boolean counted(boolean accepted) {
        if (!accepted) {
            this.rejected.increment();
        }
        return accepted;
    }

    /** Claims and offers that found the ring full so far. */
    long rejectedCount() {
        return this.rejected.sum();
    }

    /** Refuses every later claim and offer (volatile write, read by every claim). */
    void refuseClaims() {
        this.refusing = true;
    }

    /** Accepts claims and offers again (volatile write, read by every claim). */
    void acceptClaims() {
        this.refusing = false;
    }

    @Override
    public String toString() {
        return "RingProducer[" + this.ringName + "]";
    }

}
