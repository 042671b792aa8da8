package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code ReadClaim} lines of API.md: getters, bounds, read-only view, close. */
class ReadClaimTest {

    private static ReadClaim readClaimOf(RingBuffer ring, byte[] payload) {
        Rings.write(ring.producer(), payload);
        return ring.consumer().tryRead();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void gettersReadThePayload(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        byte[] payload = Rings.payload(30, 4);
        try (ReadClaim read = readClaimOf(ring, payload)) {
            assertThat(read.length()).isEqualTo(30);
            assertThat(read.toByteArray()).isEqualTo(payload);
            assertThat(read.getByte(29)).isEqualTo(payload[29]);
            assertThat(read.getShort(1))
                .isEqualTo(ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).getShort(1));
            assertThat(read.getInt(26))
                .isEqualTo(ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(26));
            assertThat(read.getLong(22))
                .isEqualTo(ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(22));
            byte[] part = new byte[12];
            read.getBytes(5, part, 2, 9);
            for (int i = 0; i < 9; i++) {
                assertThat(part[2 + i]).isEqualTo(payload[5 + i]);
            }
            assertThat(part[0]).isZero();
            assertThat(part[11]).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void outOfRangeOffsetsThrowIndexOutOfBounds(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        try (ReadClaim read = readClaimOf(ring, Rings.payload(16, 1))) {
            byte[] destination = new byte[8];
            ThrowingCallable[] calls = { () -> read.getByte(-1), () -> read.getByte(16), () -> read.getShort(15),
                    () -> read.getInt(13), () -> read.getLong(9), () -> read.getLong(Integer.MIN_VALUE),
                    () -> read.getBytes(10, destination, 0, 7), () -> read.getBytes(0, destination, 4, 5),
                    () -> read.getBytes(0, destination, -1, 1), () -> read.getBytes(0, destination, 0, -1), };
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(IndexOutOfBoundsException.class);
            }
            assertThat(destination).as("a refused getBytes copies nothing").isEqualTo(new byte[8]);
            assertThat(read.toByteArray()).isEqualTo(Rings.payload(16, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void bufferIsAReadOnlyViewOfThePayload(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        byte[] payload = Rings.payload(21, 6);
        try (ReadClaim read = readClaimOf(ring, payload)) {
            ByteBuffer view = read.buffer();
            assertThat(view.isReadOnly()).isTrue();
            assertThat(view.position()).isZero();
            assertThat(view.limit()).isEqualTo(21);
            assertThat(view.capacity()).isEqualTo(21);
            byte[] copy = new byte[21];
            view.get(copy);
            assertThat(copy).isEqualTo(payload);
            assertThatThrownBy(() -> view.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void closeReleasesTheSpaceAndZeroesTheRecord(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(Rings.smallestMemoryFor(type, 128, true));
        RingBuffer ring = Rings.ring(type, memory);
        byte[] payload = Rings.payload(21, 6);
        ReadClaim read = readClaimOf(ring, payload);
        int at = Rings.indexOf(memory, payload);
        assertThat(ring.consumerPosition()).as("not released while open").isZero();
        read.close();
        assertThat(ring.consumerPosition()).isEqualTo(Rings.span(21));
        for (int i = at - Rings.HEADER; i < at + 21; i++) {
            assertThat(memory.get(i)).as("byte %d", i).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void secondCloseDoesNothing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, new byte[] { 1 });
        ReadClaim read = consumer.tryRead();
        read.close();
        long released = ring.consumerPosition();
        Rings.write(producer, new byte[] { 2 });
        read.close();
        assertThat(ring.consumerPosition()).as("the second close released nothing").isEqualTo(released);
        assertThat(Rings.read(consumer)).containsExactly(2);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void readingAfterCloseThrowsIllegalStateException(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        ReadClaim read = readClaimOf(ring, Rings.payload(16, 2));
        read.close();
        ThrowingCallable[] calls = { () -> read.getByte(0), () -> read.getShort(0), () -> read.getInt(0),
                () -> read.getLong(0), () -> read.getBytes(0, new byte[1], 0, 1), read::toByteArray, read::buffer, };
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void anOpenReadClaimHoldsItsSpaceAgainstTheProducer(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, Rings.payload(24, 1));
        Rings.write(producer, Rings.payload(24, 2));
        ReadClaim read = consumer.tryRead();
        assertThat(producer.tryClaim(1)).as("ring full while the read claim is open").isNull();
        read.close();
        assertThat(producer.offer(Rings.payload(24, 3))).isTrue();
    }

}
