package dev.logbuf.stress.soak;

import java.util.zip.CRC32C;

/**
 * The records of one soak round, fully determined by (round seed, producer, sequence):
 * length, bytes and checksum. The producer writes them, the consumer recomputes the one
 * it expects next from each producer and compares byte by byte, so a torn, stale, lost,
 * duplicated or reordered record fails the round.
 *
 * <p>
 * Layout: byte 0 = producer index (low 3 bits) and the sequence's low 5 bits; then
 * pseudo-random filler; records of 8 bytes and more end with the CRC-32C of everything
 * before it (little-endian).
 */
final class SoakRecords {

    static final int MAX_PRODUCERS = 8;

    private final long roundSeed;

    private final int minLength;

    private final int maxLength;

    SoakRecords(long roundSeed, int minLength, int maxLength) {
        this.roundSeed = roundSeed;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    int maxLength() {
        return maxLength;
    }

    /** Length of record {@code sequence} of {@code producer}. */
    int length(int producer, long sequence) {
        long h = mix(roundSeed ^ (producer * 0x9E3779B97F4A7C15L) ^ (sequence * 0xC2B2AE3D27D4EB4FL));
        int span = maxLength - minLength + 1;
        // One record in eight at the top of the range, to keep the wrap busy.
        if ((h & 7) == 0) {
            return maxLength;
        }
        return minLength + (int) Long.remainderUnsigned(h >>> 3, span);
    }

    /**
     * Writes record {@code sequence} of {@code producer} into {@code dst[0, length)};
     * returns the length.
     */
    int write(int producer, long sequence, byte[] dst) {
        int length = length(producer, sequence);
        dst[0] = (byte) ((producer & 7) | ((sequence & 0x1F) << 3));
        int body = length >= 8 ? length - 4 : length;
        long x = mix(roundSeed + sequence * 31 + producer);
        for (int i = 1; i < body; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            dst[i] = (byte) (x >>> 56);
        }
        if (length >= 8) {
            CRC32C crc = new CRC32C();
            crc.update(dst, 0, body);
            int sum = (int) crc.getValue();
            dst[body] = (byte) sum;
            dst[body + 1] = (byte) (sum >>> 8);
            dst[body + 2] = (byte) (sum >>> 16);
            dst[body + 3] = (byte) (sum >>> 24);
        }
        return length;
    }

    /** Producer index a received record claims to come from. */
    static int producerOf(byte first) {
        return first & 7;
    }

    /**
     * Whether {@code record[0, length)} carries a correct checksum (always true below 8
     * bytes).
     */
    static boolean checksumHolds(byte[] record, int length) {
        if (length < 8) {
            return true;
        }
        int body = length - 4;
        CRC32C crc = new CRC32C();
        crc.update(record, 0, body);
        int sum = (int) crc.getValue();
        int stored = (record[body] & 0xFF) | (record[body + 1] & 0xFF) << 8 | (record[body + 2] & 0xFF) << 16
                | (record[body + 3] & 0xFF) << 24;
        return sum == stored;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

}
