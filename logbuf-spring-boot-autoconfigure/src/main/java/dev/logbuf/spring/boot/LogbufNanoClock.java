package dev.logbuf.spring.boot;

/**
 * The clock the starter measures stalls and drain back-offs with: the rings' stall clock
 * ({@code RingBuffer.Builder.nanoClock}) and their drain agents' clock. Declare a bean of
 * this type to move time yourself (tests of stall timeouts do, so that they do not wait
 * them out); without one the starter uses {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface LogbufNanoClock {

    /**
     * The current time of a monotonic clock, in nanoseconds (only differences count).
     * @return the time
     */
    long nanoTime();

    /**
     * The clock of the running JVM.
     * @return {@link System#nanoTime()} as a clock
     */
    static LogbufNanoClock system() {
        return System::nanoTime;
    }

}
