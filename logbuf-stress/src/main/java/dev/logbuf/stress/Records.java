package dev.logbuf.stress;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.ReadClaim;
import dev.logbuf.WriteClaim;

/**
 * Named test records for the jcstress tests: record {@code X} has a fixed length and
 * payload byte {@code i} equal to {@code tag + i}, so a reader can tell a whole record
 * from a torn, stale or zeroed one byte by byte.
 *
 * <p>
 * Every payload byte is non-zero, because zero is what the consumer leaves behind when it
 * releases space: a payload byte that was read before the producer's write became visible
 * shows up as a mismatch.
 */
public final class Records {

    /** A record the tests write and expect back whole. */
    public record Expected(String name, int tag, int length) {

        /** Writes this record's payload into {@code claim} one byte at a time. */
        public void fill(WriteClaim claim) {
            for (int i = 0; i < length; i++) {
                claim.putByte(i, (byte) (tag + i));
            }
        }

        /** This record's payload as an array (for {@code offer}). */
        public byte[] payload() {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (tag + i);
            }
            return bytes;
        }

        /** Claims, fills and commits this record; {@code "full"} if the claim failed. */
        public String claimAndCommit(Producer producer) {
            WriteClaim claim = producer.tryClaim(length);
            if (claim == null) {
                return "full";
            }
            fill(claim);
            claim.commit();
            return name;
        }

        boolean matches(ReadClaim claim) {
            if (claim.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (claim.getByte(i) != (byte) (tag + i)) {
                    return false;
                }
            }
            return true;
        }

        boolean matches(java.nio.ByteBuffer buffer, int offset, int recordLength) {
            if (recordLength != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (buffer.get(offset + i) != (byte) (tag + i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** 24 bytes: the largest payload of a 64-byte ring (a 32-byte slot). */
    public static final Expected A24 = new Expected("A", 0x11, 24);

    /** 16 bytes (a 24-byte slot). */
    public static final Expected A16 = new Expected("A", 0x11, 16);

    /** 8 bytes (a 16-byte slot): the largest payload of a 32-byte ring. */
    public static final Expected A8 = new Expected("A", 0x11, 8);

    public static final Expected B8 = new Expected("B", 0x41, 8);

    public static final Expected C8 = new Expected("C", 0x71, 8);

    /** The record a claimant filled and never committed: must never be read. */
    public static final Expected D8 = new Expected("D", 0x21, 8);

    public static final Expected E8 = new Expected("E", 0x51, 8);

    private Records() {
    }

    /**
     * The name of the record {@code claim} holds if it is one of {@code expected} and
     * whole, otherwise {@code "torn(len=..)"}.
     */
    public static String describe(ReadClaim claim, Expected... expected) {
        for (Expected e : expected) {
            if (e.matches(claim)) {
                return e.name();
            }
        }
        return "torn(len=" + claim.length() + ")";
    }

    /**
     * As {@link #describe(ReadClaim, Expected...)} for a record handed to a
     * {@code RecordHandler}.
     */
    public static String describe(java.nio.ByteBuffer buffer, int offset, int length, Expected... expected) {
        for (Expected e : expected) {
            if (e.matches(buffer, offset, length)) {
                return e.name();
            }
        }
        return "torn(len=" + length + ")";
    }

    /**
     * Reads (and releases) up to {@code max} records without waiting, stopping at the
     * first {@code null}; returns their names in order, {@code "-"} for none.
     */
    public static String readUpTo(Consumer consumer, int max, Expected... expected) {
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < max; i++) {
            ReadClaim claim = consumer.tryRead();
            if (claim == null) {
                break;
            }
            try (claim) {
                seen.append(describe(claim, expected));
            }
        }
        return seen.length() == 0 ? "-" : seen.toString();
    }

    /** Reads and releases everything that is committed now; {@code "-"} for none. */
    public static String readAll(Consumer consumer, Expected... expected) {
        return readUpTo(consumer, 16, expected);
    }

    /** Drains with the batch API; names in order, {@code ""} for none. */
    public static String drainAll(Consumer consumer, Expected... expected) {
        StringBuilder seen = new StringBuilder();
        // Bounded: a drain that re-reads its own batch past a full lap shows up as a long
        // sequence, not a hang.
        consumer.drain((buffer, offset, length) -> seen.append(describe(buffer, offset, length, expected)), 8);
        return seen.toString();
    }

    /**
     * Joins two read sequences written with {@code "-"} for "nothing" (the first may be a
     * result field).
     */
    public static String concat(Object firstSequence, String second) {
        String first = String.valueOf(firstSequence);
        String joined = (first.equals("-") ? "" : first) + (second.equals("-") ? "" : second);
        return joined.isEmpty() ? "-" : joined;
    }

}
