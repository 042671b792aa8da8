package dev.logbuf.stress.soak;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The consumer side of a soak round: every received record must be, byte for byte, the
 * record its producer was due to send next, and carry a correct checksum. Used by the
 * single consumer thread only.
 */
final class Verifier {

    private final SoakRecords records;

    private final long[] nextSequence;

    private final byte[] expected;

    private long received;

    Verifier(SoakRecords records, int producers) {
        this.records = records;
        this.nextSequence = new long[producers];
        this.expected = new byte[records.maxLength()];
    }

    long received() {
        return received;
    }

    void accept(byte[] record, int length, Consumer<String> fail) {
        received++;
        if (length < 1 || length > records.maxLength()) {
            fail.accept("record #" + received + " has length " + length);
            return;
        }
        int producer = SoakRecords.producerOf(record[0]);
        if (producer >= nextSequence.length) {
            fail.accept("record #" + received + " names producer " + producer + " (torn or stale first byte)");
            return;
        }
        if (!SoakRecords.checksumHolds(record, length)) {
            fail.accept("record #" + received + " (length " + length + ") fails its CRC-32C: torn or stale bytes");
            return;
        }
        long sequence = nextSequence[producer];
        int expectedLength = records.write(producer, sequence, expected);
        if (expectedLength != length || !Arrays.equals(record, 0, length, expected, 0, length)) {
            fail.accept("record #" + received + " from producer " + producer + " is not its record " + sequence
                    + " (length " + length + ", expected " + expectedLength + "; it carries a sequence = "
                    + ((record[0] & 0xFF) >>> 3) + " mod 32, expected " + (sequence & 0x1F)
                    + "): lost, duplicated, reordered or aborted record");
            return;
        }
        nextSequence[producer] = sequence + 1;
    }

    void checkAllArrived(long[] committed, Consumer<String> fail) {
        for (int p = 0; p < committed.length; p++) {
            if (nextSequence[p] != committed[p]) {
                fail.accept("producer " + p + " committed " + committed[p] + " records, consumer verified "
                        + nextSequence[p]);
            }
        }
    }

}
