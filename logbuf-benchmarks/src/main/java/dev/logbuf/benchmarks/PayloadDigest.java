package dev.logbuf.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The consumer's work per record, the same for every contender: read every payload byte,
 * eight at a time as little-endian longs (every benchmarked length is a multiple of 8; a
 * tail is read byte by byte), and add them up. Each overload uses the contender's own
 * read API. The sum goes to a Blackhole.
 */
public final class PayloadDigest {

    private static final VarHandle LONG_IN_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private PayloadDigest() {
    }

    /** logbuf: the handler's read-only little-endian view. */
    public static long of(ByteBuffer buffer, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int index = offset;
        for (; index <= end - 8; index += 8) {
            sum += buffer.getLong(index);
        }
        for (; index < end; index++) {
            sum += buffer.get(index);
        }
        return sum;
    }

    /** Agrona: the ring's buffer, native (little-endian on x86 and ARM) order. */
    public static long of(DirectBuffer buffer, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int index = offset;
        for (; index <= end - 8; index += 8) {
            sum += buffer.getLong(index);
        }
        for (; index < end; index++) {
            sum += buffer.getByte(index);
        }
        return sum;
    }

    /** {@code byte[]} queues: the record itself. */
    public static long of(byte[] record) {
        return of(record, 0, record.length);
    }

    /**
     * A record at {@code offset} of a shared array (the two-thread baseline), or a whole
     * {@code byte[]} record.
     */
    public static long of(byte[] memory, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int index = offset;
        for (; index <= end - 8; index += 8) {
            sum += (long) LONG_IN_BYTES.get(memory, index);
        }
        for (; index < end; index++) {
            sum += memory[index];
        }
        return sum;
    }

}
