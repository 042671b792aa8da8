package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code WriteClaim} lines of API.md: puts, bounds, views, commit, abort, close. */
class WriteClaimTest {

    private static final byte FILL = 0x11;

    /** Claims {@code length} bytes and fills them with {@link #FILL}. */
    private static WriteClaim filledClaim(RingBuffer ring, int length) {
        WriteClaim claim = ring.producer().tryClaim(length);
        byte[] fill = new byte[length];
        Arrays.fill(fill, FILL);
        claim.putBytes(0, fill, 0, length);
        return claim;
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, FILL);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void lengthIsThePayloadLengthClaimed(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        try (WriteClaim claim = ring.producer().tryClaim(37)) {
            assertThat(claim.length()).isEqualTo(37);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void putsWriteAtTheirOffsetsAndReturnTheClaim(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(32);
        assertThat(claim.putByte(0, (byte) 0x7F)).isSameAs(claim);
        assertThat(claim.putShort(1, (short) 0x1234)).isSameAs(claim);
        assertThat(claim.putInt(3, 0xCAFEBABE)).isSameAs(claim);
        assertThat(claim.putLong(7, 0x0102030405060708L)).isSameAs(claim);
        assertThat(claim.putBytes(15, new byte[] { 9, 8, 7, 6 }, 1, 2)).isSameAs(claim);
        ByteBuffer source = ByteBuffer.wrap(new byte[] { 21, 22, 23, 24, 25 });
        source.position(2);
        assertThat(claim.putBytes(17, source)).isSameAs(claim);
        assertThat(source.position()).as("putBytes(ByteBuffer) advances the source").isEqualTo(5);
        claim.commit();

        try (ReadClaim read = ring.consumer().tryRead()) {
            assertThat(read.getByte(0)).isEqualTo((byte) 0x7F);
            assertThat(read.getShort(1)).isEqualTo((short) 0x1234);
            assertThat(read.getInt(3)).isEqualTo(0xCAFEBABE);
            assertThat(read.getLong(7)).isEqualTo(0x0102030405060708L);
            assertThat(read.getByte(15)).isEqualTo((byte) 8);
            assertThat(read.getByte(16)).isEqualTo((byte) 7);
            assertThat(read.getByte(17)).isEqualTo((byte) 23);
            assertThat(read.getByte(18)).isEqualTo((byte) 24);
            assertThat(read.getByte(19)).isEqualTo((byte) 25);
            assertThat(read.getByte(20)).as("unwritten bytes read as zero").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void outOfRangeOffsetsThrowAndWriteNothing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        int length = 16;
        WriteClaim claim = filledClaim(ring, length);
        ThrowingCallable[] outOfRange = { () -> claim.putByte(-1, (byte) 1), () -> claim.putByte(length, (byte) 1),
                () -> claim.putShort(length - 1, (short) 1), () -> claim.putInt(length - 3, 1),
                () -> claim.putInt(-2, 1), () -> claim.putLong(length - 7, 1L),
                () -> claim.putLong(Integer.MAX_VALUE, 1L), () -> claim.putLong(Integer.MIN_VALUE, 1L),
                () -> claim.putBytes(length - 2, new byte[4], 0, 4), () -> claim.putBytes(-1, new byte[4], 0, 1),
                () -> claim.putBytes(0, new byte[4], 2, 4), () -> claim.putBytes(0, new byte[4], -1, 1),
                () -> claim.putBytes(0, new byte[4], 0, -1), () -> claim.putBytes(10, ByteBuffer.allocate(7)),
                () -> claim.putBytes(-1, ByteBuffer.allocate(1)), };
        for (ThrowingCallable call : outOfRange) {
            assertThatThrownBy(call).isInstanceOf(IndexOutOfBoundsException.class);
        }
        claim.commit();
        assertThat(Rings.read(ring.consumer())).as("no byte changed by a refused put").isEqualTo(filled(length));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void putBytesFromByteBufferLeavesPositionWhenRefused(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        try (WriteClaim claim = ring.producer().tryClaim(8)) {
            ByteBuffer source = ByteBuffer.allocate(20).position(3);
            assertThatThrownBy(() -> claim.putBytes(0, source)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(source.position()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void bufferIsAViewOfExactlyTheRecordsBytes(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(12);
        ByteBuffer view = claim.buffer();
        assertThat(view.position()).isZero();
        assertThat(view.limit()).isEqualTo(12);
        assertThat(view.capacity()).as("no byte beyond the record is reachable").isEqualTo(12);
        assertThat(view.isReadOnly()).isFalse();
        view.put(0, (byte) 5).putInt(4, 77).put(11, (byte) 6);
        assertThatThrownBy(() -> view.put(12, (byte) 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> view.putInt(9, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        claim.commit();
        try (ReadClaim read = ring.consumer().tryRead()) {
            assertThat(read.getByte(0)).isEqualTo((byte) 5);
            assertThat(read.getInt(4)).isEqualTo(77);
            assertThat(read.getByte(11)).isEqualTo((byte) 6);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void writingThroughBufferBeyondItsLimitCannotReachTheNextRecord(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        WriteClaim first = producer.tryClaim(3);
        ByteBuffer view = first.buffer();
        assertThatThrownBy(() -> view.limit(view.capacity() + 1)).isInstanceOf(IllegalArgumentException.class);
        first.putBytes(0, new byte[] { 1, 2, 3 }, 0, 3).commit();
        Rings.write(producer, new byte[] { 4, 5 });
        Consumer consumer = ring.consumer();
        assertThat(Rings.read(consumer)).containsExactly(1, 2, 3);
        assertThat(Rings.read(consumer)).containsExactly(4, 5);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void commitPublishesTheRecord(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Consumer consumer = ring.consumer();
        WriteClaim claim = ring.producer().tryClaim(4).putInt(0, 99);
        assertThat(consumer.tryRead()).as("nothing visible before commit").isNull();
        claim.commit();
        try (ReadClaim read = consumer.tryRead()) {
            assertThat(read.getInt(0)).isEqualTo(99);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void commitOrAbortTwiceThrowsIllegalStateException(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        WriteClaim committed = producer.tryClaim(4);
        committed.commit();
        assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(committed::abort).isInstanceOf(IllegalStateException.class);

        WriteClaim aborted = producer.tryClaim(4);
        aborted.abort();
        assertThatThrownBy(aborted::abort).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void putAfterCommitThrowsIllegalStateException(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(16);
        claim.commit();
        assertPutsRefused(claim);
        assertThat(Rings.read(ring.consumer())).isEqualTo(new byte[16]);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void putAfterAbortThrowsIllegalStateException(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(16);
        claim.abort();
        assertPutsRefused(claim);
        assertThat(ring.consumer().tryRead()).isNull();
    }

    private static void assertPutsRefused(WriteClaim claim) {
        ThrowingCallable[] calls = { () -> claim.putByte(0, (byte) 1), () -> claim.putShort(0, (short) 1),
                () -> claim.putInt(0, 1), () -> claim.putLong(0, 1L), () -> claim.putBytes(0, new byte[1], 0, 1),
                () -> claim.putBytes(0, ByteBuffer.allocate(1)), claim::buffer, };
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void abortTurnsTheSpaceIntoASkipMarkerTheConsumerPassesOver(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        producer.tryClaim(20).putInt(0, 1).abort();
        Rings.write(producer, new byte[] { 42 });
        assertThat(ring.producerPosition()).isEqualTo(Rings.span(20) + Rings.span(1));
        assertThat(Rings.read(consumer)).containsExactly(42);
        assertThat(consumer.tryRead()).isNull();
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void closeAbortsAnOpenClaim(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(8).putLong(0, 5L);
        claim.close();
        assertThat(ring.blockedClaim()).isEmpty();
        assertThat(ring.consumer().tryRead()).isNull();
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void closeAfterCommitOrAbortDoesNothing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        WriteClaim committed = producer.tryClaim(8).putLong(0, 5L);
        committed.commit();
        committed.close();
        committed.close();
        WriteClaim aborted = producer.tryClaim(8);
        aborted.abort();
        aborted.close();
        long position = ring.producerPosition();
        try (ReadClaim read = ring.consumer().tryRead()) {
            assertThat(read.getLong(0)).isEqualTo(5L);
        }
        assertThat(ring.producerPosition()).isEqualTo(position);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void closeAbortsAnOpenClaimSoTryWithResourcesNeverLeaksEvenWhenTheBodyThrows(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        // Many more failing bodies than the ring could hold if the claims leaked.
        for (int i = 0; i < 100; i++) {
            int round = i;
            assertThatThrownBy(() -> {
                try (WriteClaim claim = producer.tryClaim(24)) {
                    claim.putInt(0, round);
                    throw new IllegalStateException("body failed " + round);
                }
            }).hasMessage("body failed " + i);
            assertThat(ring.blockedClaim()).isEmpty();
            assertThat(consumer.tryRead()).isNull();
        }
        Rings.write(producer, new byte[] { 1 });
        assertThat(Rings.read(consumer)).containsExactly(1);
    }

}
