package dev.logbuf;

import java.nio.file.Path;

/**
 * Brings the memory of a reopened file-backed ring back to a state the producers and the
 * consumer can continue from, after the process that used it died at any instant.
 *
 * <p>
 * What a death can leave behind, and what a reopen does with it (each case is argued at
 * the store that creates it):
 * <ul>
 * <li><b>A release in progress</b> (the consumer had handed records over and was zeroing
 * them): the releasing position lies beyond the head. Those records were delivered: the
 * release is finished (zeroed, head moved), they are not delivered again.</li>
 * <li><b>A committed record</b> not yet released: delivered, uncorrupted (its payload
 * reached memory before its committed header).</li>
 * <li><b>A claimed header</b> (claimed, neither committed nor aborted): becomes a skip
 * marker of the length it carries.</li>
 * <li><b>A free header before the tail</b> (an MPSC reservation whose producer died
 * between its CAS on the tail and its header store): the whole reservation reads as zero,
 * so it ends at the next non-zero header (or the tail, or the end of the data region,
 * where the rest continues at index 0); it becomes skip markers.</li>
 * <li><b>Anything past the tail</b> (an SPSC claim whose tail store had not happened, a
 * wrap marker written before it): not claimed, so not kept; all free space is zeroed,
 * which restores the invariant that free space reads as zero.</li>
 * </ul>
 * Anything else (positions out of range, a header whose extent crosses the tail or the
 * end of the data region) is damage that no crash of a logbuf process produces: the open
 * fails with an {@link IllegalArgumentException} naming the file and the position, and
 * the file is left as it was.
 *
 * <p>
 * Runs before any producer or consumer exists, on the opening thread; plain accesses.
 */
final class RingRecovery {

    private RingRecovery() {
    }

    /** Recovers {@code memory} in place and says what it found. */
    static RingBuffer.Recovery recover(RingMemory memory, Path file) {
        long head = memory.getHeadPlain();
        long tail = memory.getTailPlain();
        long releasing = memory.getReleasingPlain();
        int capacity = memory.capacity;
        if (head < 0 || tail < head || tail - head > capacity || (head & 7) != 0 || (tail & 7) != 0) {
            throw damaged(file,
                    "its positions are inconsistent (head " + head + ", tail " + tail + ", capacity " + capacity + ")");
        }
        // Validate the whole content before changing anything: a damaged file is left as
        // it was.
        long start = head;
        if (releasing > head) {
            if (releasing > tail || (releasing & 7) != 0) {
                throw damaged(file,
                        "its releasing position " + releasing + " lies outside head " + head + " .. tail " + tail);
            }
            start = releasing;
        }
        walk(memory, file, start, tail, false);
        if (start != head) {
            memory.zeroPositions(head, start);
            head = start;
            memory.putHeadPlain(head);
        }
        RingBuffer.Recovery recovery = walk(memory, file, head, tail, true);
        memory.putReleasingOpaque(head);
        memory.zeroPositions(tail, head + capacity);
        return recovery;
    }

    private static RingBuffer.Recovery walk(RingMemory memory, Path file, long from, long tail, boolean repair) {
        int capacity = memory.capacity;
        long records = 0;
        long bytes = 0;
        long dropped = 0;
        long position = from;
        while (position < tail) {
            int index = memory.index(position);
            int toEnd = capacity - index;
            long header = memory.getHeaderPlain(index);
            int frameLength = RecordDescriptor.frameLength(header);
            if (RecordDescriptor.isCommitted(header)) {
                int aligned = RecordDescriptor.alignedLength(frameLength);
                checkExtent(file, position, aligned, toEnd, tail, "record");
                records++;
                bytes += frameLength;
                position += aligned;
            }
            else if (RecordDescriptor.isSkipMarker(header)) {
                int skipped = -frameLength;
                if (skipped < RecordDescriptor.HEADER_LENGTH || (skipped & 7) != 0) {
                    throw damaged(file, "skip marker of " + skipped + " bytes at position " + position);
                }
                checkExtent(file, position, skipped, toEnd, tail, "skip marker");
                position += skipped;
            }
            else if (RecordDescriptor.isClaimed(header)) {
                if (frameLength < 1) {
                    throw damaged(file, "claimed record of length " + frameLength + " at position " + position);
                }
                int aligned = RecordDescriptor.alignedLength(frameLength);
                checkExtent(file, position, aligned, toEnd, tail, "claimed record");
                if (repair) {
                    memory.putHeaderPlain(index, RecordDescriptor.skipMarkerHeader(aligned));
                }
                dropped++;
                position += aligned;
            }
            else {
                // A reservation without its header: zero up to the next header.
                long end = position + RecordDescriptor.HEADER_LENGTH;
                while (end < tail && memory.index(end) != 0 && memory.getHeaderPlain(memory.index(end)) == 0) {
                    end += RecordDescriptor.HEADER_LENGTH;
                }
                if (repair) {
                    memory.putHeaderPlain(index, RecordDescriptor.skipMarkerHeader((int) (end - position)));
                }
                dropped++;
                position = end;
            }
        }
        return new RingBuffer.Recovery(records, bytes, dropped);
    }

    private static void checkExtent(Path file, long position, int length, int toEnd, long tail, String what) {
        if (length > toEnd || position + length > tail) {
            throw damaged(file, what + " of " + length + " bytes at position " + position
                    + " crosses the end of the data region or the producer position " + tail);
        }
    }

    private static IllegalArgumentException damaged(Path file, String why) {
        return new IllegalArgumentException("ring file " + file + " is damaged: " + why
                + "; it is left unchanged (move it aside to start a new ring)");
    }

}
