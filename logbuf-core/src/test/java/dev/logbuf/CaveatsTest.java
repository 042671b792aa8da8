package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One test per caveat of the reference crate's caveats page (numbered as there) that
 * applies to a JVM ring: each shows the behaviour our users get instead.
 */
class CaveatsTest {

    // 1. A claim that is never closed blocks the consumer; the ring reports it and
    // try-with-resources avoids it.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void leakedWriteClaimBlocksTheConsumerUntilTheRingIsFullAndIsReportedAsBlocked(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        WriteClaim leaked = producer.tryClaim(8);
        int accepted = 0;
        while (producer.offer(new byte[8])) {
            accepted++;
        }
        assertThat(accepted).isEqualTo(3);
        assertThat(consumer.tryRead()).isNull();
        assertThat(consumer.drain((b, o, l) -> {
        })).isZero();
        assertThat(ring.blockedClaim()).map(BlockedClaim::position).contains(0L);
        leaked.close();
        assertThat(Rings.drainAll(consumer)).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void leakedReadClaimHoldsItsSpaceAndRefusesFurtherReads(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, new byte[24]);
        ReadClaim leaked = consumer.tryRead();
        Rings.write(producer, new byte[24]);
        assertThat(producer.offer(new byte[1])).isFalse();
        assertThatThrownBy(consumer::tryRead).isInstanceOf(IllegalStateException.class);
        leaked.close();
        assertThat(producer.offer(new byte[1])).isTrue();
    }

    // 2. Capacity is in bytes, not records.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void capacityIsInBytesNotRecords(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        int eightByteRecords = 0;
        while (producer.offer(new byte[8])) {
            eightByteRecords++;
        }
        assertThat(eightByteRecords).as("64 bytes / 16 bytes per 8-byte record").isEqualTo(4);
    }

    // 3. Zero-length payloads are refused: write at least one byte for a marker record.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void zeroLengthPayloadsAreRefusedSoAMarkerRecordCarriesOneByte(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        assertThatThrownBy(() -> producer.tryClaim(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> producer.offer(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        producer.tryClaim(1).putByte(0, (byte) 'M').commit();
        producer.tryClaim(1).abort();
        Consumer consumer = ring.consumer();
        assertThat(Rings.read(consumer)).containsExactly('M');
        assertThat(consumer.tryRead()).isNull();
    }

    // 4. Skip markers at the wrap waste space.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordCrossingTheWrapCostsASkipMarkerUpToTheEnd(RingBuffer.Type type) {
        int capacity = 16 * 1024;
        RingBuffer ring = ring(type, capacity);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        // Put the head 4088 bytes before the end: 2 records of 4088 bytes (4096 each) +
        // one of 4096 (4104).
        Rings.write(producer, new byte[4088]);
        Rings.write(producer, new byte[4088]);
        Rings.write(producer, new byte[4096]);
        assertThat(ring.producerPosition()).isEqualTo(capacity - 4088);
        Rings.drainAll(consumer);
        long before = ring.producerPosition();
        Rings.write(producer, new byte[4088]);
        assertThat(ring.producerPosition() - before).as("4088 bytes of skip marker + 4096 of record")
            .isEqualTo(4088 + 4096);
        assertThat(Rings.drainAll(consumer)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void halfCapacityRecordsCanHalveTheUsableSpace(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, new byte[1]);
        Rings.read(consumer); // head at index 16
        int max = ring.maxRecordLength(); // spans 128
        assertThat(producer.offer(new byte[max])).isTrue(); // index 16..144
        assertThat(producer.offer(new byte[max])).as("needs 112 padding + 128").isFalse();
        assertThat(ring.producerPosition() - ring.consumerPosition()).isEqualTo(128);
    }

    // 5. Records are 8-byte aligned.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void sevenBytePayloadOccupiesSixteenBytes(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        ring.producer().offer(new byte[7]);
        assertThat(ring.producerPosition()).isEqualTo(16);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void thirteenBytePayloadOccupiesTwentyFourBytes(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        ring.producer().offer(new byte[13]);
        assertThat(ring.producerPosition()).isEqualTo(24);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void everyRecordStartsEightByteAligned(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 1024);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int length = 1; length <= ring.maxRecordLength(); length += 3) {
            long before = ring.producerPosition();
            assertThat(before % 8).isZero();
            Rings.write(producer, new byte[length]);
            assertThat(ring.producerPosition() - before).isEqualTo(Rings.advance(before, 1024, length));
            Rings.read(consumer);
        }
    }

    // 6. MPSC: one slow producer stalls the consumer. 7. Strictly FIFO by claim order.

    @Test
    void mpscOneSlowProducerStallsTheConsumerAndRecordsStayInClaimOrder() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        AtomicReference<WriteClaim> slow = new AtomicReference<>();
        CountDownLatch slowClaimed = new CountDownLatch(1);
        CountDownLatch slowMayCommit = new CountDownLatch(1);
        Thread slowProducer = new Thread(() -> {
            WriteClaim claim = producer.tryClaim(4).putInt(0, 1);
            slow.set(claim);
            slowClaimed.countDown();
            try {
                slowMayCommit.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            claim.commit();
        }, "slow-producer");
        slowProducer.start();
        slowClaimed.await();
        Thread fast = new Thread(() -> producer.tryClaim(4).putInt(0, 2).commit(), "fast-producer");
        fast.start();
        fast.join();

        assertThat(consumer.tryRead()).as("B committed, but A holds the head").isNull();
        assertThat(ring.blockedClaim()).map(BlockedClaim::claimantThreadName).contains("slow-producer");
        slowMayCommit.countDown();
        slowProducer.join();
        List<Integer> order = new ArrayList<>();
        consumer.drain((buffer, offset, length) -> order.add(buffer.getInt(offset)));
        assertThat(order).containsExactly(1, 2);
    }

    @Test
    void fifoByClaimOrderEvenWhenCommitsArriveInReverse() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        int claimants = 5;
        List<CountDownLatch> commitSignals = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < claimants; i++) {
            int id = i;
            CountDownLatch claimed = new CountDownLatch(1);
            CountDownLatch mayCommit = new CountDownLatch(1);
            commitSignals.add(mayCommit);
            Thread thread = new Thread(() -> {
                WriteClaim claim = producer.tryClaim(4).putInt(0, id);
                claimed.countDown();
                try {
                    mayCommit.await();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                claim.commit();
            });
            thread.start();
            claimed.await(); // claim order: 0, 1, 2, 3, 4
            threads.add(thread);
        }
        for (int i = claimants - 1; i >= 0; i--) { // commit order: 4, 3, 2, 1, 0
            commitSignals.get(i).countDown();
            threads.get(i).join();
        }
        List<Integer> order = new ArrayList<>();
        ring.consumer().drain((buffer, offset, length) -> order.add(buffer.getInt(offset)));
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    // 8. The raw ring has no disconnect: producers only ever see "full".

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void rawRingHasNoDisconnectProducersOnlyEverSeeFull(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        // No consumer was ever taken: offers succeed until full, then fail without error.
        assertThat(producer.offer(new byte[24])).isTrue();
        assertThat(producer.offer(new byte[24])).isTrue();
        assertThat(producer.offer(new byte[24])).isFalse();
        assertThat(producer.tryClaim(1)).isNull();
    }

    // 9. The consumer zeroes what it releases.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void consumerZeroesSoUnwrittenBytesOfALaterClaimReadAsZero(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        byte[] ones = new byte[ring.maxRecordLength()];
        java.util.Arrays.fill(ones, (byte) -1);
        for (int lap = 0; lap < 6; lap++) {
            Rings.write(producer, ones);
            Rings.read(consumer);
            Rings.write(producer, new byte[] { 1 });
            Rings.drainAll(consumer);
        }
        for (int lap = 0; lap < 10; lap++) {
            producer.tryClaim(ring.maxRecordLength()).commit();
            assertThat(Rings.read(consumer)).as("lap %d", lap).isEqualTo(new byte[ring.maxRecordLength()]);
        }
    }

    // 10. One consumer thread at a time: hand it over with a happens-before edge.

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void consumerHandedOverBetweenThreadsKeepsItsPlace(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 6; i++) {
            Rings.write(producer, new byte[] { (byte) i });
        }
        List<Byte> seen = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread reader = new Thread(() -> consumer.drain((b, o, l) -> seen.add(b.get(o)), 2));
            reader.start();
            reader.join(); // the happens-before edge between consecutive consumer threads
        }
        assertThat(seen).containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5);
    }

}
