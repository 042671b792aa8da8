package dev.logbuf.archive;

import java.nio.file.Path;

/**
 * Hooks for metrics and logging, called on the writer's thread (the drain thread) right
 * after the event. Implementations must be quick and must not throw; every method does
 * nothing by default.
 */
public interface ArchiveListener {

    /** A listener that ignores everything. */
    ArchiveListener NONE = new ArchiveListener() {
    };

    /** Written records were forced to the device, which took {@code durationNanos}. */
    default void onFlush(long durationNanos, long flushedSequence) {
    }

    /**
     * A new segment was created (at open when the archive was empty, and at every
     * rotation).
     */
    default void onSegmentCreated(Path segment) {
    }

    /** Retention deleted a segment. */
    default void onSegmentDeleted(Path segment) {
    }

    /**
     * Opening found the last segment's tail torn (a crash in the middle of a write) and
     * truncated it to the last whole valid record; {@code cut} says where and how many
     * bytes.
     */
    default void onTornTailTruncated(ArchiveProblem cut) {
    }

    /**
     * Writing, forcing or deleting failed. The same exception is thrown to the caller
     * when it happened in a write or a force; a retention failure is only reported here
     * and through {@link ArchiveWriter#lastFailure()}.
     */
    default void onError(ArchiveException error) {
    }

}
