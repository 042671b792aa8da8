package dev.logbuf.archive;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something wrong that {@link ArchiveReader} found and stepped over: where it is, how
 * many bytes it covers and what kind of damage it is. A problem never comes with data:
 * the bytes it covers are never returned as a record.
 *
 * @param kind what is wrong
 * @param segment the segment file it is in
 * @param offset byte offset in that file where the damage starts
 * @param length bytes skipped or cut from {@code offset} (0 for
 * {@link Kind#MISSING_RECORDS})
 * @param detail a human-readable explanation (checksum values, sequence numbers, ...)
 */
public record ArchiveProblem(Kind kind, Path segment, long offset, long length, String detail) {

    /** The kinds of damage a reader can report. */
    public enum Kind {

        /**
         * The segment header is damaged; the records after it are still read and checked
         * one by one.
         */
        CORRUPT_HEADER,
        /**
         * Chunks that fail their checks (checksum, type, lengths): damage, never taken
         * for the end of a write. Skipped up to the next valid chunk, which is looked for
         * only where the format puts chunk headers (a block start).
         */
        CORRUPT_RECORDS,
        /**
         * A segment that is not the last one ends with a write cut short (a partial chunk
         * or record).
         */
        CORRUPT_TAIL,
        /**
         * Sequence numbers missing between two valid records (their records were lost or
         * damaged).
         */
        MISSING_RECORDS,
        /**
         * A valid record whose sequence is not above the one before it (a duplicate): not
         * returned.
         */
        OUT_OF_ORDER,
        /**
         * Records whose checksums are valid but whose bytes do not hash to the chain
         * value of the anchor after them: a record was altered (and its checksums
         * recomputed), removed or inserted between the previous anchor and this one.
         */
        TAMPERED,
        /**
         * The end of the last segment is not a whole valid record, the trace of a write
         * cut short by a crash: iteration ends at the last whole valid record. Reopening
         * the writer truncates it.
         */
        TORN_TAIL

    }

    public ArchiveProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * One line naming the place:
     * {@code <segment path> offset <n>: <kind>, <length> bytes: <detail>}.
     */
    public String message() {
        String what = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        String bytes = length > 0 ? ", " + length + " bytes" : "";
        return segment + " offset " + offset + ": " + what + bytes + ": " + detail;
    }

    @Override
    public String toString() {
        return message();
    }
}
