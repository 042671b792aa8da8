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
     * Retention would delete {@code segment} (the oldest) but keeps it, and the ones
     * after it, because the reader whose checkpoint is {@code checkpoint} is done only up
     * to record {@code checkpointSequence} (-1: none). Called once per oldest segment
     * held; {@link ArchiveWriter#segmentsHeld()} counts them.
     */
    default void onSegmentHeld(Path segment, Path checkpoint, long checkpointSequence) {
    }

    /**
     * Opening found the last segment's tail torn (a crash in the middle of a write) and
     * truncated it to the last whole valid record; {@code cut} says where and how many
     * bytes.
     */
    default void onTornTailTruncated(ArchiveProblem cut) {
    }

    /**
     * Opening found damage in the last segment (a complete chunk that fails its checks,
     * or records the head file says were written and no segment holds). It is not cut: it
     * stays in place and {@code ArchiveTool verify} keeps reporting it; the writer
     * appends after it and never reuses the sequences it may hide.
     */
    default void onDamageKept(ArchiveProblem damage) {
    }

    /**
     * Writing, forcing or deleting failed. The same exception is thrown to the caller
     * when it happened in a write or a force (the batch is undone and its records stay in
     * the ring); a retention or rotation failure is only reported here and through
     * {@link ArchiveWriter#lastFailure()}.
     */
    default void onError(ArchiveException error) {
    }

}
