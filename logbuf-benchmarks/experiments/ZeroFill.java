import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Issue 15, candidate "cheaper zeroing": the consumer's way of zeroing a direct ring
 * (RingMemory.zero: absolute bulk puts from a 4 KiB array of zeroes) against the FFM
 * API's MemorySegment.fill on JDK 22+, one thread, same sizes, best of 15 trials. Not
 * part of the build: run it with the source launcher of a JDK 22 or later,
 *
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java logbuf-benchmarks/experiments/ZeroFill.java
 */
public class ZeroFill {

    static final byte[] ZEROES = new byte[4096];

    /** What RingMemory.zero does for a direct buffer. */
    static void copyZeroes(ByteBuffer buffer, int index, int length) {
        while (length > 0) {
            int chunk = Math.min(length, ZEROES.length);
            buffer.put(index, ZEROES, 0, chunk);
            index += chunk;
            length -= chunk;
        }
    }

    public static void main(String[] args) {
        int capacity = 65536;
        ByteBuffer buffer = ByteBuffer.allocateDirect(capacity + 384);
        MemorySegment segment = MemorySegment.ofBuffer(buffer);
        System.out.println(Runtime.version());
        for (int length : new int[] { 64, 256, 2048, 16384, 65536 }) {
            long bestCopy = Long.MAX_VALUE;
            long bestFill = Long.MAX_VALUE;
            int reps = 20_000_000 / Math.max(64, length) * 16;
            for (int trial = 0; trial < 15; trial++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    int index = (i * length) & (capacity - 1);
                    copyZeroes(buffer, (index + length > capacity) ? 0 : index, length);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    int index = (i * length) & (capacity - 1);
                    segment.asSlice((index + length > capacity) ? 0 : index, length).fill((byte) 0);
                }
                long t2 = System.nanoTime();
                bestCopy = Math.min(bestCopy, t1 - t0);
                bestFill = Math.min(bestFill, t2 - t1);
            }
            System.out.printf("%6d B: copy of zeroes %8.2f ns (%5.1f GB/s), MemorySegment.fill %8.2f ns (%5.1f GB/s),"
                    + " fill/copy time %.2f%n", length, (double) bestCopy / reps, (double) length * reps / bestCopy,
                    (double) bestFill / reps, (double) length * reps / bestFill, (double) bestFill / bestCopy);
        }
    }

}
