package dev.logbuf.spring.boot;

import java.util.Map;

/**
 * The drain of a ring that runs outside the starter's lifecycle: the application's
 * logging ring ({@code logbuf.logging.*}) is drained by its Logback appender, which
 * exists before the application context and outlives it. The registry starts no drain
 * loop for such a ring; its health, meters and endpoint read this instead, and closing
 * the context does not close the ring ({@link LogbufRing#adoptDrain}).
 */
public interface ExternalDrain {

    /**
     * Whether the drain's thread is running.
     * @return whether it runs
     */
    boolean isRunning();

    /**
     * Records handed to the drain's output so far.
     * @return the count
     */
    long recordsDrained();

    /**
     * Drain calls that failed so far.
     * @return the count
     */
    long failures();

    /**
     * Claims of ended threads the drain unblocked so far.
     * @return the count
     */
    long claimsUnblocked();

    /**
     * Whether the drain's output works: {@code false} while it is stalled or failing (the
     * ring's health is then {@code DOWN}).
     * @return whether it is healthy
     */
    boolean isHealthy();

    /**
     * What health and the endpoint show about the drain, by name, in order.
     * @return the details
     */
    Map<String, Object> details();

}
