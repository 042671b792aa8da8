package dev.logbuf.archive;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The writer's state when a batch began: what undoing the batch puts back.
 *
 * @param segment the segment appended to
 * @param channel its channel
 * @param segmentFirstSequence the first sequence of that segment
 * @param length the segment's length on disk (nothing was buffered)
 * @param nextSequence the sequence the batch's first record got
 * @param ringIdOnDisk the ring id in effect at the end of the archive
 * @param storedRingId the ring whose records up to {@code storedPosition} are stored
 * @param storedPosition the ring position of the last record stored
 * @param anchorValue the chain value of the last anchor
 * @param running the chain over records not yet anchored (after recovery), or null
 * @param bytesWritten the writer's byte count
 */
record BatchMark(Path segment, FileChannel channel, long segmentFirstSequence, long length, long nextSequence,
        long ringIdOnDisk, long storedRingId, long storedPosition, byte[] anchorValue, MessageDigest running,
        long bytesWritten) {
}
