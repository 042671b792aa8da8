package dev.logbuf.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sealed (no longer written) segments of an archive, oldest first, and the rule that
 * deletes them: keep at most {@code maxSegments} segments including the one being
 * written, and none whose last write is older than {@code maxAge}. The segment being
 * written is never deleted. Deleting oldest first keeps the remaining segments contiguous
 * in sequence.
 */
final class SegmentRetention {

    private record Sealed(Path path, long lastWriteMillis) {
    }

    private final int maxSegments;

    private final long maxAgeMillis;

    private final Deque<Sealed> sealed = new ArrayDeque<>();

    /**
     * @param maxSegments 0 for no count limit
     * @param maxAge null for no age limit
     */
    SegmentRetention(int maxSegments, Duration maxAge) {
        this.maxSegments = maxSegments;
        this.maxAgeMillis = maxAge == null ? Long.MAX_VALUE : maxAge.toMillis();
    }

    void addSealed(Path segment, long lastWriteMillis) {
        sealed.addLast(new Sealed(segment, lastWriteMillis));
    }

    /** Segments on disk, the one being written included. */
    int segmentCount() {
        return sealed.size() + 1;
    }

    /** True when {@link #apply} would delete something at {@code nowMillis}. */
    boolean due(long nowMillis) {
        Sealed oldest = sealed.peekFirst();
        if (oldest == null) {
            return false;
        }
        return (maxSegments > 0 && segmentCount() > maxSegments) || expired(oldest, nowMillis);
    }

    /**
     * Deletes what the rule says must go. A segment that cannot be deleted is dropped
     * from the list (it is not retried before the writer is reopened) and reported to the
     * listener.
     */
    void apply(long nowMillis, ArchiveListener listener, java.util.function.Consumer<ArchiveException> failures) {
        while (due(nowMillis)) {
            Sealed oldest = sealed.removeFirst();
            try {
                Files.deleteIfExists(oldest.path());
                listener.onSegmentDeleted(oldest.path());
            }
            catch (IOException e) {
                failures.accept(new ArchiveException(oldest.path(),
                        "retention cannot delete segment " + oldest.path() + ": " + e, e));
            }
        }
    }

    private boolean expired(Sealed segment, long nowMillis) {
        return maxAgeMillis != Long.MAX_VALUE && nowMillis - segment.lastWriteMillis() >= maxAgeMillis;
    }

}
