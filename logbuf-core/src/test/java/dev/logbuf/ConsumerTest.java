package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code Consumer} and {@code RecordHandler} lines of API.md: tryRead, drain, FIFO,
 * poison records.
 */
class ConsumerTest {

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryReadReturnsNullWhenTheRingIsEmpty(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        assertThat(ring.consumer().tryRead()).isNull();
        assertThat(ring.consumerPosition()).isZero();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryReadReturnsNullWhileTheHeadRecordIsNotYetCommitted(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Consumer consumer = ring.consumer();
        WriteClaim claim = ring.producer().tryClaim(4).putInt(0, 3);
        assertThat(consumer.tryRead()).isNull();
        assertThat(consumer.tryRead()).isNull();
        assertThat(ring.consumerPosition()).isZero();
        claim.commit();
        try (ReadClaim read = consumer.tryRead()) {
            assertThat(read.getInt(0)).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryReadReturnsTheOldestCommittedRecordFirst(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        for (int i = 1; i <= 5; i++) {
            Rings.write(producer, Rings.payload(i * 3, i));
        }
        Consumer consumer = ring.consumer();
        for (int i = 1; i <= 5; i++) {
            assertThat(Rings.read(consumer)).isEqualTo(Rings.payload(i * 3, i));
        }
        assertThat(consumer.tryRead()).isNull();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void tryReadPassesOverSkipMarkersSilentlyAndReleasesTheirSpace(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        producer.tryClaim(10).abort();
        producer.tryClaim(3).abort();
        assertThat(consumer.tryRead()).isNull();
        assertThat(ring.consumerPosition()).as("aborted records released").isEqualTo(ring.producerPosition());
        Rings.write(producer, new byte[] { 7 });
        assertThat(ring.producerPosition()).isEqualTo(56);
        // A wrap: a 24-byte payload (32 bytes) at index 56 needs an 8-byte skip marker
        // first.
        assertThat(Rings.read(consumer)).containsExactly(7);
        byte[] wrapped = Rings.payload(24, 5);
        Rings.write(producer, wrapped);
        assertThat(ring.producerPosition()).isEqualTo(56 + 8 + 32);
        assertThat(Rings.read(consumer)).isEqualTo(wrapped);
        assertThat(ring.consumerPosition()).isEqualTo(96);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void oneReadClaimAtATimeTryReadAndDrainThrowWhileOneIsOpen(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Rings.write(producer, new byte[] { 1 });
        Rings.write(producer, new byte[] { 2 });
        Consumer consumer = ring.consumer();
        ReadClaim open = consumer.tryRead();
        assertThatThrownBy(consumer::tryRead).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> consumer.drain((b, o, l) -> {
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> consumer.drain((b, o, l) -> {
        }, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(open.getByte(0)).as("the open claim is unaffected").isEqualTo((byte) 1);
        open.close();
        assertThat(Rings.read(consumer)).containsExactly(2);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainHandsCommittedRecordsInFifoOrderAndReturnsTheCount(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 512);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 10; i++) {
            Rings.write(producer, Rings.payload(1 + i, i));
        }
        List<byte[]> seen = new ArrayList<>();
        int count = consumer.drain((buffer, offset, length) -> {
            byte[] copy = new byte[length];
            buffer.get(offset, copy, 0, length);
            seen.add(copy);
        });
        assertThat(count).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(seen.get(i)).isEqualTo(Rings.payload(1 + i, i));
        }
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
        assertThat(consumer.drain((b, o, l) -> {
        })).isZero();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainStopsAtTheLimit(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 512);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 7; i++) {
            Rings.write(producer, new byte[] { (byte) i });
        }
        List<Byte> seen = new ArrayList<>();
        RecordHandler handler = (buffer, offset, length) -> seen.add(buffer.get(offset));
        assertThat(consumer.drain(handler, 3)).isEqualTo(3);
        assertThat(seen).containsExactly((byte) 0, (byte) 1, (byte) 2);
        assertThat(ring.consumerPosition()).isEqualTo(3L * Rings.span(1));
        assertThat(consumer.drain(handler, 100)).isEqualTo(4);
        assertThat(seen).hasSize(7);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainRejectsALimitBelowOneNamingTheValue(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Rings.write(ring.producer(), new byte[] { 1 });
        Consumer consumer = ring.consumer();
        for (int bad : new int[] { 0, -5 }) {
            assertThatThrownBy(() -> consumer.drain((b, o, l) -> {
            }, bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(bad))
                .hasMessageContaining("1");
        }
        assertThat(Rings.read(consumer)).as("nothing consumed by a refused drain").containsExactly(1);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainStopsAtTheFirstUncommittedRecord(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, new byte[] { 1 });
        WriteClaim open = producer.tryClaim(1).putByte(0, (byte) 2);
        Rings.write(producer, new byte[] { 3 });
        List<Byte> seen = new ArrayList<>();
        RecordHandler handler = (buffer, offset, length) -> seen.add(buffer.get(offset));
        assertThat(consumer.drain(handler)).isEqualTo(1);
        assertThat(ring.consumerPosition()).isEqualTo(Rings.span(1));
        open.commit();
        assertThat(consumer.drain(handler)).isEqualTo(2);
        assertThat(seen).containsExactly((byte) 1, (byte) 2, (byte) 3);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainReleasesTheSpaceOfABatchInOneStepAfterTheHandlerCalls(RingBuffer.Type type) {
        // 5 records of 16 bytes: less than a quarter of the capacity, one batch
        RingBuffer ring = ring(type, 1024);
        Producer producer = ring.producer();
        for (int i = 0; i < 5; i++) {
            Rings.write(producer, new byte[] { (byte) i });
        }
        List<Long> positionsDuringBatch = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> positionsDuringBatch.add(ring.consumerPosition()));
        assertThat(positionsDuringBatch).containsOnly(0L).hasSize(5);
        assertThat(ring.consumerPosition()).isEqualTo(5L * Rings.span(1));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainReleasesEachQuarterOfTheCapacitySoThatAFullRingGetsRoomBackDuringTheCall(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        int written = Rings.fillWithNumberedBytes(producer);
        assertThat(written).as("a full ring of 16-byte records").isEqualTo(256 / Rings.span(1));
        List<Long> positionsSeen = new ArrayList<>();
        List<Boolean> roomSeen = new ArrayList<>();
        List<Byte> seen = new ArrayList<>();
        int count = ring.consumer().drain((buffer, offset, length) -> {
            seen.add(buffer.get(offset));
            positionsSeen.add(ring.consumerPosition());
            // what a producer finds while the consumer is still in the call
            roomSeen.add(ring.consumerPosition() + 256 - ring.producerPosition() >= Rings.span(1));
        });
        assertThat(count).as("one call still takes the whole ring").isEqualTo(written);
        long quarter = 64;
        for (int i = 0; i < written; i++) {
            assertThat(seen.get(i)).isEqualTo((byte) i);
            assertThat(positionsSeen.get(i)).as("released before record %d", i)
                .isEqualTo(i * Rings.span(1) / quarter * quarter);
        }
        assertThat(roomSeen.subList(0, 4)).containsOnly(false);
        assertThat(roomSeen.subList(4, written)).containsOnly(true);
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void aProducerWritesIntoTheReleasedQuarterWhileTheConsumerIsStillInTheCall(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        int written = Rings.fillWithNumberedBytes(producer);
        List<Byte> seen = new ArrayList<>();
        Consumer consumer = ring.consumer();
        int[] offeredDuringTheCall = { 0 };
        int count = consumer.drain((buffer, offset, length) -> {
            seen.add(buffer.get(offset));
            if (seen.size() == 5 && producer.offer(new byte[] { 100 })) {
                offeredDuringTheCall[0]++;
            }
        });
        assertThat(offeredDuringTheCall[0]).isEqualTo(1);
        assertThat(count).isEqualTo(written);
        assertThat(Rings.drainAll(consumer)).containsExactly(new byte[] { 100 });
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void drainCountsThePoisonRecordAsConsumedAndRethrows(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 5; i++) {
            Rings.write(producer, new byte[] { (byte) i });
        }
        List<Byte> seen = new ArrayList<>();
        RuntimeException poison = new IllegalArgumentException("poison");
        assertThatThrownBy(() -> consumer.drain((buffer, offset, length) -> {
            seen.add(buffer.get(offset));
            if (buffer.get(offset) == 2) {
                throw poison;
            }
        })).isSameAs(poison);
        assertThat(seen).containsExactly((byte) 0, (byte) 1, (byte) 2);
        assertThat(ring.consumerPosition()).as("records 0..2 released").isEqualTo(3L * Rings.span(1));
        assertThat(Rings.drainAll(consumer)).containsExactly(new byte[] { 3 }, new byte[] { 4 });
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void aPoisonRecordNeverWedgesTheRing(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 100; i++) {
            Rings.write(producer, Rings.payload(24, i));
            Rings.write(producer, Rings.payload(24, i + 1));
            assertThatThrownBy(() -> consumer.drain((b, o, l) -> {
                throw new IllegalStateException("always poison");
            })).hasMessage("always poison");
            assertThat(Rings.read(consumer)).isEqualTo(Rings.payload(24, i + 1));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordHandlerBufferIsReadOnlyAndHoldsThePayloadAtOffset(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        byte[] first = Rings.payload(11, 1);
        byte[] second = Rings.payload(30, 2);
        Rings.write(producer, first);
        Rings.write(producer, second);
        List<byte[]> seen = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> {
            assertThat(buffer.isReadOnly()).isTrue();
            // Javadoc of RecordHandler: position = offset, limit = offset + length.
            assertThat(buffer.position()).isEqualTo(offset);
            assertThat(buffer.limit()).isEqualTo(offset + length);
            assertThatThrownBy(() -> buffer.put(offset, (byte) 0)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
            byte[] copy = new byte[length];
            for (int i = 0; i < length; i++) {
                copy[i] = buffer.get(offset + i);
            }
            seen.add(copy);
        });
        assertThat(seen).containsExactly(first, second);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordHandlerMayMovePositionAndLimitFreely(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        byte[][] payloads = { Rings.payload(9, 1), Rings.payload(17, 2), Rings.payload(3, 3) };
        for (byte[] payload : payloads) {
            Rings.write(producer, payload);
        }
        List<byte[]> seen = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> {
            byte[] copy = new byte[length];
            buffer.get(copy); // relative read: moves the position to the limit
            seen.add(copy);
            buffer.limit(0); // and leave the view in a state no later record should see
        });
        assertThat(seen).containsExactly(payloads);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void consumerZeroesWhatItReleases(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(Rings.smallestMemoryFor(type, 256, true));
        RingBuffer ring = Rings.ring(type, memory);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        byte[] byRead = Rings.payload(40, 1);
        byte[] byDrain = Rings.payload(40, 2);
        Rings.write(producer, byRead);
        Rings.write(producer, byDrain);
        int readAt = Rings.indexOf(memory, byRead);
        int drainAt = Rings.indexOf(memory, byDrain);
        assertThat(readAt).isNotNegative();
        assertThat(drainAt).isNotNegative();
        Rings.read(consumer);
        Rings.drainAll(consumer);
        for (int start : new int[] { readAt, drainAt }) {
            for (int i = start - Rings.HEADER; i < start + 40; i++) {
                assertThat(memory.get(i)).as("header or payload byte %d after release", i).isZero();
            }
        }
    }

}
