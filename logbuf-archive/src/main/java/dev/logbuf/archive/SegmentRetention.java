package dev.logbuf.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The sealed (no longer written) segments of an archive, oldest first, and the rule that
 * deletes them: keep at most {@code maxSegments} segments including the one being
 * written, and none whose last write is older than {@code maxAge}. The segment being
 * written is never deleted. Deleting oldest first keeps the remaining segments contiguous
 * in sequence.
 *
 * <p>
 * A segment holding a record that a reader's {@link ArchiveCheckpoint} has not passed is
 * never deleted, whatever the limits say: it is <em>held</em>, counted in
 * {@link #segmentsHeld()} and reported once to the listener. The checkpoints are read
 * when the rule wants to delete, at most once a second while a segment is held.
 */
final class SegmentRetention {

    private static final long CHECKPOINT_REREAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Sealed(Path path, long firstSequence, long lastWriteMillis) {
    }

    private final Path directory;

    private final int maxSegments;

    private final long maxAgeMillis;

    private final Deque<Sealed> sealed = new ArrayDeque<>();

    /** The checkpoint furthest behind as last read; null when there was none. */
    private ArchiveCheckpoint.Lowest floor;

    private boolean floorRead;

    private long floorReadNanos;

    private Path reportedHeld;

    private Path reportedDamage;

    private int segmentsHeld;

    /**
     * @param directory where the checkpoints are
     * @param maxSegments 0 for no count limit
     * @param maxAge null for no age limit
     */
    SegmentRetention(Path directory, int maxSegments, Duration maxAge) {
        this.directory = directory;
        this.maxSegments = maxSegments;
        this.maxAgeMillis = maxAge == null ? Long.MAX_VALUE : maxAge.toMillis();
    }

    void addSealed(Path segment, long lastWriteMillis) {
        sealed.addLast(new Sealed(segment, SegmentFormat.firstSequenceOf(segment), lastWriteMillis));
    }

    /** Segments on disk, the one being written included. */
    int segmentCount() {
        return sealed.size() + 1;
    }

    /**
     * Segments the limits say should go that a checkpoint keeps, as of the last
     * {@link #apply}.
     */
    int segmentsHeld() {
        return segmentsHeld;
    }

    /**
     * True when the limits want to delete something at {@code nowMillis} (it may still be
     * held).
     */
    boolean due(long nowMillis) {
        Sealed oldest = sealed.peekFirst();
        if (oldest == null) {
            return false;
        }
        return (maxSegments > 0 && segmentCount() > maxSegments) || expired(oldest, nowMillis);
    }

    /**
     * Deletes what the rule says must go and no checkpoint holds. A segment that cannot
     * be deleted is dropped from the list (it is not retried before the writer is
     * reopened) and reported to the listener.
     * @param currentFirstSequence the first sequence of the segment being written
     */
    void apply(long nowMillis, long currentFirstSequence, ArchiveListener listener,
            Consumer<ArchiveException> failures) {
        while (due(nowMillis)) {
            Sealed oldest = sealed.peekFirst();
            long lastSequence = nextFirstSequence(currentFirstSequence) - 1;
            ArchiveCheckpoint.Lowest holder = floor(failures);
            if (holder != null && holder.sequence() < lastSequence) {
                segmentsHeld = countHeld(nowMillis);
                if (!oldest.path().equals(reportedHeld)) {
                    reportedHeld = oldest.path();
                    listener.onSegmentHeld(oldest.path(), holder.file(), holder.sequence());
                }
                return;
            }
            sealed.removeFirst();
            try {
                Files.deleteIfExists(oldest.path());
                listener.onSegmentDeleted(oldest.path());
            }
            catch (IOException e) {
                failures.accept(new ArchiveException(oldest.path(),
                        "retention cannot delete segment " + oldest.path() + ": " + e, e));
            }
        }
        segmentsHeld = 0;
        reportedHeld = null;
    }

    /** First sequence of the segment after the oldest sealed one. */
    private long nextFirstSequence(long currentFirstSequence) {
        Iterator<Sealed> segments = sealed.iterator();
        segments.next();
        return segments.hasNext() ? segments.next().firstSequence() : currentFirstSequence;
    }

    /** How many of the oldest segments the limits alone would delete. */
    private int countHeld(long nowMillis) {
        int count = 0;
        for (Sealed segment : sealed) {
            boolean overCount = maxSegments > 0 && segmentCount() - count > maxSegments;
            if (!overCount && !expired(segment, nowMillis)) {
                break;
            }
            count++;
        }
        return count;
    }

    /**
     * The checkpoint furthest behind, read again at most once a second; a damaged one
     * holds everything and is reported.
     */
    private ArchiveCheckpoint.Lowest floor(Consumer<ArchiveException> failures) {
        long now = System.nanoTime();
        if (floorRead && now - floorReadNanos < CHECKPOINT_REREAD_NANOS) {
            return floor;
        }
        floorRead = true;
        floorReadNanos = now;
        try {
            floor = ArchiveCheckpoint.lowest(directory);
            reportedDamage = null;
        }
        catch (ArchiveException e) {
            floor = new ArchiveCheckpoint.Lowest(e.path(), -1);
            if (!e.path().equals(reportedDamage)) {
                reportedDamage = e.path();
                failures.accept(new ArchiveException(e.path(), "retention keeps every segment: " + e.getMessage(), e));
            }
        }
        return floor;
    }

    private boolean expired(Sealed segment, long nowMillis) {
        return maxAgeMillis != Long.MAX_VALUE && nowMillis - segment.lastWriteMillis() >= maxAgeMillis;
    }

}
