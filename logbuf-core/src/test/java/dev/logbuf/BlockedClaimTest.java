package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code blockedClaim()} line of API.md and the stall rule of "Record format". */
class BlockedClaimTest {

    /**
     * A thread named as given that claims a record and then stays alive (so the ring can
     * still name it) until closed. The claim is committed or aborted on that thread: an
     * open claim belongs to the thread that claimed it (API.md, round 2), so the test
     * thread must not resolve it itself.
     */
    private static final class Claimant implements AutoCloseable {

        private final ClaimantThread thread;

        private final WriteClaim claim;

        Claimant(Producer producer, int length, String threadName) {
            this.thread = ClaimantThread.platform(threadName);
            this.claim = this.thread.call(() -> producer.tryClaim(length));
            assertThat(this.claim).isNotNull();
        }

        /** Writes {@code payload} and commits, on the claimant's thread. */
        void commit(byte[] payload) {
            this.thread.run(() -> this.claim.putBytes(0, payload, 0, payload.length).commit());
        }

        /** Aborts, on the claimant's thread. */
        void abort() {
            this.thread.run(this.claim::abort);
        }

        @Override
        public void close() {
            this.thread.end();
        }

    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimAbsentOnAnEmptyRing(RingBuffer.Type type) {
        assertThat(ring(type, 64).blockedClaim()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimAbsentForCommittedRecord(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Rings.write(ring.producer(), new byte[] { 1 });
        assertThat(ring.blockedClaim()).as("committed, not yet read").isEmpty();
        Rings.read(ring.consumer());
        assertThat(ring.blockedClaim()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimAbsentAfterAbort(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        ring.producer().tryClaim(4).abort();
        assertThat(ring.blockedClaim()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimReportsHeadClaimedButNotCommitted(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, Rings.payload(30, 1));
        Rings.read(consumer);
        long head = ring.consumerPosition();
        long claimedAfter = System.nanoTime();
        Claimant claimant = new Claimant(producer, 9, "claimant-7");

        Optional<BlockedClaim> first = ring.blockedClaim();
        long firstObservedBy = System.nanoTime();
        assertThat(first).isPresent();
        assertThat(first.get().position()).isEqualTo(head);
        assertThat(first.get().claimantThreadName()).isEqualTo("claimant-7");
        assertThat(first.get().blockedForNanos()).isBetween(0L, firstObservedBy - claimedAfter);

        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - firstObservedBy > 5_000_000L);
        long secondCalledAt = System.nanoTime();
        BlockedClaim second = ring.blockedClaim().orElseThrow();
        long secondReturnedAt = System.nanoTime();
        assertThat(second.position()).isEqualTo(head);
        assertThat(second.blockedForNanos()).as("at least since first observed, at most since claimed")
            .isBetween(secondCalledAt - firstObservedBy, secondReturnedAt - claimedAfter);

        claimant.commit(new byte[] { 1 });
        assertThat(ring.blockedClaim()).isEmpty();
        claimant.close();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedForNanosCountsFromTheConsumersFirstObservation(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        Consumer consumer = ring.consumer();
        long claimedAfter = System.nanoTime();
        Claimant claimant = new Claimant(ring.producer(), 9, "slow-producer");
        assertThat(consumer.tryRead()).isNull();
        long consumerObservedBy = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - consumerObservedBy > 5_000_000L);
        long calledAt = System.nanoTime();
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        long returnedAt = System.nanoTime();
        assertThat(blocked.blockedForNanos()).isBetween(calledAt - consumerObservedBy, returnedAt - claimedAfter);
        assertThat(blocked.claimantThreadName()).isEqualTo("slow-producer");
        claimant.abort();
        claimant.close();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedForNanosStartsAfreshForEachClaim(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        // An earlier stall, observed by the consumer and by monitoring, then resolved.
        WriteClaim first = producer.tryClaim(8);
        assertThat(consumer.tryRead()).isNull();
        assertThat(ring.blockedClaim()).isPresent();
        long resolvedAt = System.nanoTime();
        first.commit();
        Rings.read(consumer);
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - resolvedAt > 20_000_000L);
        // Walk round the ring so a later claim lands on the same index (position 64:
        // index 0).
        for (int i = 0; i < 3; i++) {
            Rings.write(producer, new byte[8]);
            Rings.read(consumer);
        }
        assertThat(ring.producerPosition()).isEqualTo(64);
        long claimedAfter = System.nanoTime();
        WriteClaim second = producer.tryClaim(8);
        assertThat(consumer.tryRead()).isNull();
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        long returnedAt = System.nanoTime();
        assertThat(blocked.position()).isEqualTo(64);
        assertThat(blocked.blockedForNanos()).as("not counted from the earlier stall")
            .isBetween(0L, returnedAt - claimedAfter);
        second.abort();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimAbsentWhileTheHeadIsCommittedEvenIfALaterClaimIsOpen(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, new byte[] { 1 });
        WriteClaim open = producer.tryClaim(3);
        assertThat(ring.blockedClaim()).as("head record is committed").isEmpty();
        Rings.read(consumer);
        assertThat(ring.blockedClaim()).map(BlockedClaim::position).contains((long) Rings.span(1));
        open.commit();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimNeverChangesWhatTheConsumerReads(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Claimant claimant = new Claimant(producer, 12, "monitored");
        for (int i = 0; i < 100; i++) {
            assertThat(ring.blockedClaim()).isPresent();
        }
        assertThat(ring.consumerPosition()).isZero();
        assertThat(ring.producerPosition()).isEqualTo(Rings.span(12));
        byte[] payload = Rings.payload(12, 3);
        claimant.commit(payload);
        assertThat(ring.blockedClaim()).isEmpty();
        assertThat(Rings.read(consumer)).isEqualTo(payload);
        assertThat(consumer.tryRead()).isNull();
        claimant.close();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimIsReadableFromAMonitoringThread(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        WriteClaim open = ring.producer().tryClaim(5);
        AtomicReference<Optional<BlockedClaim>> seen = new AtomicReference<>();
        Thread monitor = new Thread(() -> seen.set(ring.blockedClaim()), "monitor");
        monitor.start();
        monitor.join();
        assertThat(seen.get()).isPresent();
        assertThat(seen.get().get().position()).isZero();
        assertThat(seen.get().get().claimantThreadName()).isEqualTo(Thread.currentThread().getName());
        open.abort();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimLooksPastSkipMarkersTheConsumerHasNotPassedYet(RingBuffer.Type type) throws InterruptedException {
        RingBuffer ring = ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        producer.tryClaim(20).abort(); // a skip marker of 32 bytes at the head
        long markerEnd = ring.producerPosition();
        try (Claimant claimant = new Claimant(producer, 9, "behind-the-marker")) {
            BlockedClaim blocked = ring.blockedClaim().orElseThrow();
            assertThat(blocked.position()).isEqualTo(markerEnd);
            assertThat(blocked.claimantThreadName()).isEqualTo("behind-the-marker");
            assertThat(ring.consumerPosition()).as("blockedClaim releases nothing").isZero();
            assertThat(consumer.tryRead()).isNull();
            claimant.commit(new byte[] { 1 });
            assertThat(ring.blockedClaim()).isEmpty();
        }
    }

}
