package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the archive ends and how a batch moves it: appends a batch's records (starting a
 * new segment when the current one is full), ends the batch with an anchor, and undoes
 * the batch when anything failed: the segment cut back, segments the batch started
 * deleted, sequences, ring positions and the chain restored. It does I/O and lets
 * {@link IOException}s through; {@link ArchiveWriter} decides what a failure means.
 * Writer thread only.
 */
final class SegmentBatches {

    /** After a failed rotation, records go on to the current segment this long. */
    private static final long ROTATION_RETRY_MILLIS = 1000;

    private final SegmentFiles files;

    private final SegmentAppender appender;

    private final long segmentSizeLimit;

    private final boolean durable;

    private final Clock clock;

    private final ArchiveListener listener;

    private final Consumer<ArchiveException> rotationFailures;

    private long segmentFirstSequence;

    private long nextSequence;

    private long ringIdOnDisk;

    private long storedRingId;

    private long storedPosition;

    private boolean unanchored;

    private MessageDigest recoveredChain;

    private long rotationRetryAtMillis = Long.MIN_VALUE;

    private long bytesWritten;

    // the batch in progress
    private BatchMark mark;

    private int records;

    private long segmentStart;

    private final List<FileChannel> sealedChannels = new ArrayList<>();

    private final List<Path> sealed = new ArrayList<>();

    private final List<Path> created = new ArrayList<>();

    /** Segments sealed without a force: the next force covers them too. */
    private final List<Path> sealedUnforced = new ArrayList<>();

    SegmentBatches(SegmentFiles files, SegmentAppender appender, SegmentFiles.Recovered recovered,
            long segmentSizeLimit, boolean durable, Clock clock, ArchiveListener listener,
            Consumer<ArchiveException> rotationFailures) {
        this.files = files;
        this.appender = appender;
        this.segmentSizeLimit = segmentSizeLimit;
        this.durable = durable;
        this.clock = clock;
        this.listener = listener;
        this.rotationFailures = rotationFailures;
        appender.switchTo(recovered.channel(), recovered.path(), recovered.resumeOffset());
        appender.restoreChain(recovered.anchorValue(), recovered.running());
        this.recoveredChain = recovered.running();
        this.unanchored = recovered.running() != null;
        this.segmentFirstSequence = recovered.firstSequence();
        this.nextSequence = recovered.nextSequence();
        this.ringIdOnDisk = recovered.ringId();
        this.storedRingId = recovered.storedRingId();
        this.storedPosition = recovered.storedPosition();
    }

    /** Whether a batch was begun and not yet committed or undone. */
    boolean inBatch() {
        return mark != null;
    }

    /** Whether ending a batch now would write anything. */
    boolean hasWork() {
        return mark != null || unanchored || appender.hasBuffered();
    }

    void begin() {
        mark = new BatchMark(appender.path(), appender.channel(), segmentFirstSequence, appender.written(),
                nextSequence, ringIdOnDisk, storedRingId, storedPosition, appender.anchorValue(),
                unanchored ? recoveredChain : null, bytesWritten);
        records = 0;
        segmentStart = appender.written();
    }

    /**
     * Appends a record of ring {@code ringId}, rotating first when the segment is full.
     */
    void append(ByteBuffer buffer, int offset, int length, long position, long ringId) throws IOException {
        if (ringIdOnDisk != ringId) {
            appender.appendAnchor(ringId, nextSequence - 1, storedPosition); // the ring
                                                                             // changes
                                                                             // here
            ringIdOnDisk = ringId;
            unanchored = false;
        }
        if (nextSequence > segmentFirstSequence
                && appender.end() + SegmentFormat.recordFootprint(appender.end(), length) > segmentSizeLimit
                && (rotationRetryAtMillis == Long.MIN_VALUE || clock.millis() >= rotationRetryAtMillis)) {
            rotate();
        }
        appender.appendRecord(buffer, offset, length, nextSequence, position);
        nextSequence++;
        records++;
        unanchored = true;
        if (position != SegmentFormat.NO_POSITION) {
            storedRingId = ringId;
            storedPosition = position;
        }
    }

    /** Anchors the batch's records and hands them to the operating system. */
    void end() throws IOException {
        if (unanchored) {
            appender.appendAnchor(ringIdOnDisk, nextSequence - 1, storedPosition);
        }
        appender.writeBuffer();
    }

    /** Forces what was written, segments sealed without a force included. */
    void force() throws IOException {
        for (Path path : sealedUnforced) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            catch (NoSuchFileException e) {
                // retention deleted it: nothing left to keep
            }
        }
        sealedUnforced.clear();
        appender.force();
    }

    /**
     * The batch stands: closes the segments it sealed.
     * @return the segments it sealed, for retention
     */
    List<Path> commit() {
        for (FileChannel channel : sealedChannels) {
            closeQuietly(channel);
        }
        List<Path> result = sealed.isEmpty() ? List.of() : List.copyOf(sealed);
        sealedChannels.clear();
        sealed.clear();
        created.clear();
        unanchored = false;
        recoveredChain = null;
        bytesWritten += appender.end() - segmentStart;
        mark = null;
        return result;
    }

    /** Records of the batch so far. */
    int records() {
        return records;
    }

    /**
     * Puts the archive back as it was when the batch began. When this throws, the batch
     * is still to be undone: call again.
     */
    void undo() throws IOException {
        BatchMark undo = mark;
        appender.discardBuffer();
        if (!undo.segment().equals(appender.path())) {
            closeQuietly(appender.channel());
            for (FileChannel channel : sealedChannels) {
                if (channel != undo.channel()) {
                    closeQuietly(channel);
                }
            }
            appender.switchTo(undo.channel(), undo.segment(), undo.length());
        }
        for (Path path : created) {
            files.delete(path);
        }
        sealedChannels.clear();
        sealed.clear();
        created.clear();
        appender.truncate(undo.length());
        if (durable) {
            appender.force(); // a cut the device forgot would bring undone records back
        }
        appender.restoreChain(undo.anchorValue(), undo.running());
        segmentFirstSequence = undo.segmentFirstSequence();
        nextSequence = undo.nextSequence();
        ringIdOnDisk = undo.ringIdOnDisk();
        storedRingId = undo.storedRingId();
        storedPosition = undo.storedPosition();
        unanchored = undo.running() != null;
        bytesWritten = undo.bytesWritten();
        mark = null;
    }

    /**
     * Seals the current segment (anchor, write, force unless the policy never forces) and
     * starts the next. When the next cannot be created, records go on to the current
     * segment and rotation is tried again a second later.
     */
    private void rotate() throws IOException {
        if (unanchored) {
            appender.appendAnchor(ringIdOnDisk, nextSequence - 1, storedPosition);
            unanchored = false;
        }
        appender.writeBuffer();
        if (durable) {
            appender.force(); // a sealed segment is durable before its successor exists
        }
        else {
            sealedUnforced.add(appender.path());
        }
        Path next;
        FileChannel channel;
        try {
            next = files.create(nextSequence, clock.millis(), ringIdOnDisk,
                    storedRingId == ringIdOnDisk ? storedPosition : SegmentFormat.NO_POSITION, appender.anchorValue());
        }
        catch (ArchiveException e) {
            rotationFailed(e);
            return;
        }
        try {
            channel = files.openForAppend(next, SegmentFormat.HEADER_LENGTH);
        }
        catch (ArchiveException e) {
            files.deleteQuietly(next); // a segment named after records that go elsewhere
            rotationFailed(e);
            return;
        }
        rotationRetryAtMillis = Long.MIN_VALUE;
        bytesWritten += appender.end() - segmentStart;
        segmentStart = SegmentFormat.HEADER_LENGTH;
        sealedChannels.add(appender.channel());
        sealed.add(appender.path());
        created.add(next);
        appender.switchTo(channel, next, SegmentFormat.HEADER_LENGTH);
        segmentFirstSequence = nextSequence;
        listener.onSegmentCreated(next);
    }

    private void rotationFailed(ArchiveException e) {
        rotationFailures.accept(e);
        rotationRetryAtMillis = clock.millis() + ROTATION_RETRY_MILLIS;
    }

    long nextSequence() {
        return nextSequence;
    }

    long ringIdOnDisk() {
        return ringIdOnDisk;
    }

    long storedRingId() {
        return storedRingId;
    }

    long storedPosition() {
        return storedPosition;
    }

    byte[] anchorValue() {
        return appender.anchorValue();
    }

    /** Chunk bytes (padding included) of committed batches. */
    long bytesWritten() {
        return bytesWritten;
    }

    Path currentSegment() {
        return appender.path();
    }

    /** Closes the current segment's channel. */
    void close() {
        closeQuietly(appender.channel());
    }

    static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        }
        catch (IOException e) {
            // nothing more to release
        }
    }

}
