package dev.logbuf.spring.boot.endpoint;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * The current stack of a live claimant, found by its thread id through the JVM's
 * {@link ThreadMXBean} (only the one thread is sampled, not all of them). The JVM reports
 * platform threads there; a virtual thread is not found, and the endpoint says how to see
 * it instead.
 */
final class ClaimantStacks {

    /** Frames shown at most. */
    static final int MAX_FRAMES = 64;

    private ClaimantStacks() {
    }

    /**
     * The stack of thread {@code threadId}, innermost frame first, or {@code null} when
     * the JVM does not report that thread (it ended, or is a virtual thread).
     * @param threadId the thread's id
     * @return the frames
     */
    static List<String> of(long threadId) {
        if (threadId < 0) {
            return null;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ThreadInfo info = threads.getThreadInfo(threadId, MAX_FRAMES);
        if (info == null) {
            return null;
        }
        return Arrays.stream(info.getStackTrace()).map(StackTraceElement::toString).toList();
    }

}
