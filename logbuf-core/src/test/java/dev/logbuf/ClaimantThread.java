package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * A thread the test drives step by step: each {@link #call} runs on it and returns its
 * result to the test thread (with a happens-before edge both ways), and {@link #end()}
 * lets it terminate and joins it, so the test knows for sure that the claimant is dead.
 * Platform or virtual ({@link #virtual}, JDK 21+ through reflection: the build targets
 * Java 17).
 */
final class ClaimantThread implements AutoCloseable {

    private static final Runnable END = () -> {
    };

    private static final long WAIT_SECONDS = 30;

    private final BlockingQueue<Runnable> steps = new LinkedBlockingQueue<>();

    private final Thread thread;

    private ClaimantThread(Function<Runnable, Thread> factory) {
        this.thread = factory.apply(this::loop);
        this.thread.start();
    }

    /** A platform thread named {@code name}. */
    static ClaimantThread platform(String name) {
        return new ClaimantThread((body) -> {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A platform thread of a {@link Thread} subclass (to hook calls the ring makes on its
     * claimant, such as {@code getId()}).
     */
    static ClaimantThread of(Function<Runnable, Thread> factory) {
        return new ClaimantThread(factory);
    }

    /**
     * A virtual thread named {@code name}; the calling test is skipped below JDK 21.
     */
    static ClaimantThread virtual(String name) {
        assumeVirtualThreads();
        return new ClaimantThread((body) -> newVirtualThread(name, body));
    }

    static void assumeVirtualThreads() {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21,
                "virtual threads need JDK 21 or later; this JVM is " + Runtime.version());
    }

    /** {@code Thread.ofVirtual().name(name).unstarted(body)}, through reflection. */
    static Thread newVirtualThread(String name, Runnable body) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class).invoke(builder, name);
            return (Thread) builderType.getMethod("unstarted", Runnable.class).invoke(builder, body);
        }
        catch (InvocationTargetException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("no virtual threads on " + Runtime.version(), ex);
        }
    }

    /** {@code thread.isVirtual()} on JDK 21+, false before. */
    static boolean isVirtual(Thread thread) {
        try {
            return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        }
        catch (NoSuchMethodException ex) {
            return false;
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    Thread thread() {
        return this.thread;
    }

    /** Runs {@code step} on this thread and returns its result (or rethrows). */
    <T> T call(Callable<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        this.steps.add(() -> {
            try {
                result.complete(step.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        try {
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
        catch (TimeoutException ex) {
            throw new AssertionError("the claimant thread did not run its step within " + WAIT_SECONDS + " s");
        }
    }

    /** Runs {@code step} on this thread. */
    void run(Runnable step) {
        call(() -> {
            step.run();
            return null;
        });
    }

    /** Lets the thread terminate (whatever it still holds) and waits until it has. */
    void end() {
        this.steps.add(END);
        try {
            this.thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
        assertThat(this.thread.isAlive()).as("claimant thread %s ended", this.thread.getName()).isFalse();
    }

    @Override
    public void close() {
        if (this.thread.isAlive()) {
            end();
        }
    }

    private void loop() {
        try {
            for (;;) {
                Runnable step = this.steps.take();
                if (step == END) {
                    return;
                }
                step.run();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
