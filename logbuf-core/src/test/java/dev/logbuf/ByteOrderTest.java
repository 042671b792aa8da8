package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The "Byte order" section of API.md: little-endian everywhere, whatever the caller's
 * memory says.
 */
class ByteOrderTest {

    private static final int INT = 0x01020304;

    private static final long LONG = 0x1112131415161718L;

    private static final short SHORT = (short) 0x2122;

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void putsAreLittleEndianInTheRecordBytes(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        ring.producer().tryClaim(14).putShort(0, SHORT).putInt(2, INT).putLong(6, LONG).commit();
        assertThat(Rings.read(ring.consumer())).containsExactly(0x22, 0x21, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16,
                0x15, 0x14, 0x13, 0x12, 0x11);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void getsAreLittleEndian(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        byte[] bytes = { 0x22, 0x21, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11 };
        ring.producer().offer(bytes);
        try (ReadClaim read = ring.consumer().tryRead()) {
            assertThat(read.getShort(0)).isEqualTo(SHORT);
            assertThat(read.getInt(2)).isEqualTo(INT);
            assertThat(read.getLong(6)).isEqualTo(LONG);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void writeClaimBufferIsLittleEndian(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(8);
        ByteBuffer view = claim.buffer();
        assertThat(view.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        view.putInt(0, INT);
        claim.commit();
        assertThat(Rings.read(ring.consumer())).startsWith(0x04, 0x03, 0x02, 0x01);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void readClaimBufferIsLittleEndian(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        ring.producer().tryClaim(8).putLong(0, LONG).commit();
        try (ReadClaim read = ring.consumer().tryRead()) {
            ByteBuffer view = read.buffer();
            assertThat(view.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(view.getLong(0)).isEqualTo(LONG);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordHandlerBufferIsLittleEndian(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        producer.tryClaim(4).putInt(0, 1).commit(); // so the second record sits at a
                                                    // non-zero offset
        producer.tryClaim(12).putInt(0, INT).putLong(4, LONG).commit();
        List<Object> seen = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> {
            seen.add(buffer.order());
            seen.add(buffer.getInt(offset));
            if (length == 12) {
                seen.add(buffer.getLong(offset + 4));
            }
        });
        assertThat(seen).containsExactly(ByteOrder.LITTLE_ENDIAN, 1, ByteOrder.LITTLE_ENDIAN, INT, LONG);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void littleEndianEvenWhenTheCallersMemoryIsBigEndian(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(4096).order(ByteOrder.BIG_ENDIAN);
        RingBuffer ring = ring(type, memory);
        WriteClaim claim = ring.producer().tryClaim(16);
        assertThat(claim.buffer().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        claim.putInt(0, INT).putLong(8, LONG).commit();
        byte[] littleEndianInt = { 0x04, 0x03, 0x02, 0x01 };
        assertThat(Rings.indexOf(memory, littleEndianInt)).as("int stored little-endian in the caller's memory")
            .isNotNegative();
        assertThat(memory.order()).as("the caller's buffer itself is left alone").isEqualTo(ByteOrder.BIG_ENDIAN);
        List<Object> seen = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> {
            seen.add(buffer.order());
            seen.add(buffer.getInt(offset));
            seen.add(buffer.getLong(offset + 8));
        });
        assertThat(seen).containsExactly(ByteOrder.LITTLE_ENDIAN, INT, LONG);
    }

}
