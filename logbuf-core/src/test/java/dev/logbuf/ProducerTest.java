package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code Producer} lines of API.md: claims, offers, their argument checks and the
 * full ring.
 */
class ProducerTest {

    /** After a refused call, the ring must be untouched and still work. */
    private static void assertRingUntouchedAndUsable(RingBuffer ring, Producer producer, long producerPositionBefore) {
        assertThat(ring.producerPosition()).as("producer position after a refused call")
            .isEqualTo(producerPositionBefore);
        assertThat(ring.blockedClaim()).isEmpty();
        byte[] payload = Rings.payload(5, 42);
        Rings.write(producer, payload);
        Consumer consumer = ring.consumer();
        assertThat(Rings.read(consumer)).isEqualTo(payload);
        assertThat(consumer.tryRead()).isNull();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryClaimRejectsZeroLengthBecauseZeroIsTheUncommittedSentinel(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        assertThatThrownBy(() -> producer.tryClaim(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("0");
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryClaimRejectsNegativeLengthNamingTheValue(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        assertThatThrownBy(() -> producer.tryClaim(-7)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-7");
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryClaimRejectsLengthAboveMaxRecordLengthNamingValueAndLimit(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        int max = ring.maxRecordLength();
        Producer producer = ring.producer();
        assertThatThrownBy(() -> producer.tryClaim(max + 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(max + 1))
            .hasMessageContaining(String.valueOf(max));
        assertThatThrownBy(() -> producer.tryClaim(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void sixteenByteRingHoldsNoRecord(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 16);
        assertThat(ring.maxRecordLength()).isZero();
        assertThatThrownBy(() -> ring.producer().tryClaim(1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("1")
            .hasMessageContaining("0");
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryClaimReturnsNullWhenTheRingHasNoRoomAndWritesNothing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Rings.write(producer, new byte[24]); // 32 bytes
        Rings.write(producer, new byte[16]); // 24 bytes, 8 left
        long before = ring.producerPosition();
        assertThat(producer.tryClaim(1)).isNull();
        assertThat(ring.producerPosition()).isEqualTo(before);
        Rings.read(ring.consumer());
        assertThat(producer.tryClaim(1)).as("room again once the consumer released").isNotNull();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void producerReportsTheCapacityAndMaxRecordLengthOfItsRing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 1000);
        Producer producer = ring.producer();
        assertThat(producer.capacity()).isEqualTo(1024).isEqualTo(ring.capacity());
        assertThat(producer.maxRecordLength()).isEqualTo(504).isEqualTo(ring.maxRecordLength());
    }

    // ---- offer ------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerByteArrayClaimsCopiesAndCommits(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        byte[] payload = Rings.payload(13, 1);
        assertThat(ring.producer().offer(payload)).isTrue();
        assertThat(ring.producerPosition()).isEqualTo(24);
        assertThat(Rings.read(ring.consumer())).isEqualTo(payload);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerByteArrayRangeCopiesOnlyThatRange(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        byte[] source = Rings.payload(20, 2);
        assertThat(ring.producer().offer(source, 5, 7)).isTrue();
        byte[] expected = new byte[7];
        System.arraycopy(source, 5, expected, 0, 7);
        assertThat(Rings.read(ring.consumer())).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerReturnsFalseWhenFullAndWritesNothing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        assertThat(producer.offer(new byte[24])).isTrue();
        assertThat(producer.offer(new byte[24])).isTrue();
        long before = ring.producerPosition();
        assertThat(producer.offer(new byte[] { 1 })).isFalse();
        assertThat(producer.offer(new byte[] { 1, 2 }, 0, 1)).isFalse();
        ByteBuffer source = ByteBuffer.wrap(new byte[] { 1, 2, 3 });
        assertThat(producer.offer(source)).isFalse();
        assertThat(ring.producerPosition()).isEqualTo(before);
        Consumer consumer = ring.consumer();
        assertThat(Rings.drainAll(consumer)).hasSize(2);
        assertThat(consumer.tryRead()).isNull();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerByteBufferAdvancesPositionOnlyOnSuccess(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        ByteBuffer source = ByteBuffer.wrap(Rings.payload(40, 3));
        source.position(4).limit(28); // 24 remaining: a 32-byte record
        assertThat(producer.offer(source)).isTrue();
        assertThat(source.position()).isEqualTo(28);
        assertThat(source.limit()).isEqualTo(28);

        ByteBuffer second = ByteBuffer.allocateDirect(24);
        second.put(0, (byte) 9);
        assertThat(producer.offer(second)).isTrue(); // ring now full
        ByteBuffer refused = ByteBuffer.wrap(new byte[] { 1, 2, 3, 4 });
        refused.position(1);
        assertThat(producer.offer(refused)).isFalse();
        assertThat(refused.position()).as("position unchanged on failure").isEqualTo(1);
        assertThat(refused.limit()).isEqualTo(4);

        byte[] expected = new byte[24];
        System.arraycopy(Rings.payload(40, 3), 4, expected, 0, 24);
        assertThat(Rings.read(ring.consumer())).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerRejectsEmptyPayloadsNamingTheLength(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        ByteBuffer empty = ByteBuffer.allocate(8).position(8);
        ThrowingCallable[] calls = { () -> producer.offer(new byte[0]), () -> producer.offer(new byte[8], 3, 0),
                () -> producer.offer(empty), };
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        }
        assertThat(empty.position()).isEqualTo(8);
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerRejectsPayloadsAboveMaxRecordLengthNamingValueAndLimit(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        ByteBuffer tooBig = ByteBuffer.allocate(25);
        ThrowingCallable[] calls = { () -> producer.offer(new byte[25]), () -> producer.offer(new byte[40], 1, 25),
                () -> producer.offer(tooBig), };
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("25")
                .hasMessageContaining("24");
        }
        assertThat(tooBig.position()).isZero();
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerRejectsRangesOutsideTheSourceArray(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        byte[] source = new byte[10];
        ThrowingCallable[] calls = { () -> producer.offer(source, -1, 4), () -> producer.offer(source, 8, 4),
                () -> producer.offer(source, 11, 1), };
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void offerRejectsNullSources(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        assertThatThrownBy(() -> producer.offer((byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> producer.offer((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        assertRingUntouchedAndUsable(ring, producer, 0);
    }

}
