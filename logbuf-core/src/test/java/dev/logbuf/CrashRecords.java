package dev.logbuf;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * What {@link FileRingCrashChild} writes and {@link FileRingCrashTest} checks: the
 * sequenced, checksummed records, and the layout of the two memory-mapped logs the child
 * keeps beside the ring.
 *
 * <p>
 * <b>Record</b> ({@code length} bytes, at least {@link #MIN_LENGTH}, little-endian):
 * producer ({@code int}), round ({@code int}, {@link #ABORTED} for a claim the producer
 * filled and then aborted), sequence ({@code long}, from 1 per producer and round),
 * filler bytes derived from those three, and a CRC-32C of everything before it.
 *
 * <p>
 * <b>Ack log</b>, 64 bytes per producer: at {@code +0} the sequence the producer is about
 * to commit (stored before {@code commit()} or {@code offer()} is called), at {@code +8}
 * the last sequence whose {@code commit()}/{@code offer()} returned. A record with a
 * sequence above the first was never committed; every record up to the second was.
 *
 * <p>
 * <b>Release log</b>: at {@code 0} the number of entries, at {@code 8} the state of the
 * batch in progress (0 none, 1 records handed over, 2 {@code endOfBatch()} returned: the
 * ring is zeroing and releasing it; back to 0 when {@code drainTo} or {@code drain}
 * returned), at {@code 16} the batches finished, at {@link #HOLD} a request from the
 * parent to hold the consumer at a moment (1 inside a batch, after an entry; 2 right
 * after {@code endOfBatch()}; 3 inside a {@code drain} call that has released part of its
 * records, after an entry), at {@link #HOLDING} 1 once the consumer holds there, at
 * {@link #CALL_START} (with {@code drain}) the number of entries before the call in
 * progress; from {@link #ENTRIES} one 32-byte entry per record the sink was handed, in
 * order: position, sequence, producer, length, flags ({@link #BAD} when the child found
 * it corrupt). An entry is written before its count is, and before the batch is released,
 * so every record the consumer released has its entry.
 */
final class CrashRecords {

    static final int MIN_LENGTH = 24;

    static final int ABORTED = -1;

    static final int ACK_SLOT = 64;

    static final int ENTRIES = 64;

    static final int HOLD = 24;

    static final int HOLDING = 32;

    static final int CALL_START = 40;

    static final long HOLD_IN_BATCH = 1;

    static final long HOLD_AFTER_END_OF_BATCH = 2;

    static final long HOLD_AFTER_IN_CALL_RELEASE = 3;

    static final int ENTRY = 32;

    static final int BAD = 1;

    /** Ordered access to the mapped logs; little-endian, as everything here. */
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private CrashRecords() {
    }

    /** Writes the record into {@code into[0, length)}. */
    static void fill(byte[] into, int length, int producer, int round, long sequence) {
        ByteBuffer record = ByteBuffer.wrap(into, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(0, producer).putInt(4, round).putLong(8, sequence);
        for (int i = 16; i < length - 4; i++) {
            into[i] = filler(producer, sequence, i);
        }
        CRC32C crc = new CRC32C();
        crc.update(into, 0, length - 4);
        record.putInt(length - 4, (int) crc.getValue());
    }

    private static byte filler(int producer, long sequence, int index) {
        return (byte) (sequence * 31 + producer * 17 + index * 7 + 1);
    }

    /** A record as read back; {@code intact} when its checksum and filler match. */
    record Decoded(int producer, int round, long sequence, int length, boolean intact) {

    }

    static Decoded decode(ByteBuffer buffer, int offset, int length) {
        if (length < MIN_LENGTH) {
            return new Decoded(-1, 0, -1, length, false);
        }
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);
        ByteBuffer record = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int producer = record.getInt(0);
        int round = record.getInt(4);
        long sequence = record.getLong(8);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length - 4);
        boolean intact = (int) crc.getValue() == record.getInt(length - 4);
        for (int i = 16; intact && i < length - 4; i++) {
            intact = bytes[i] == filler(producer, sequence, i);
        }
        return new Decoded(producer, round, sequence, length, intact);
    }

    /** Maps {@code file} read-write, {@code size} bytes (created zeroed when absent). */
    static MappedByteBuffer map(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            return mapped;
        }
    }

    static long releaseLogSize(long entries) {
        return ENTRIES + entries * ENTRY;
    }

}
