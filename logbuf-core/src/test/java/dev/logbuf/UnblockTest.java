package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API.md, "Round 2 additions", "Claims that never finish", {@code Consumer.unblock}: a
 * claim whose thread has terminated becomes a skip marker (zeroed and released like any
 * other) and the records behind it drain in order; a live claimant's claim is never
 * touched; a stale or foreign {@link BlockedClaim} returns {@code false} and changes
 * nothing. See the Javadoc of {@link Consumer#unblock(BlockedClaim)}.
 */
class UnblockTest {

    private static final byte[] DEAD = Rings.payload(8, 99);

    private static final byte[] A = Rings.payload(8, 1);

    private static final byte[] B = Rings.payload(12, 2);

    private static final byte[] C = Rings.payload(3, 3);

    /** A 64-byte ring over memory the test can inspect. */
    private static RingBuffer ringOver(ByteBuffer memory, RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, memory);
        assertThat(ring.capacity()).isEqualTo(64);
        return ring;
    }

    private static ByteBuffer memory() {
        return ByteBuffer.allocateDirect(64 + 384).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Claims a record on {@code claimant}'s thread and fills it with {@link #DEAD} (a
     * valid-looking record that must never surface).
     */
    private static WriteClaim claimAndFill(ClaimantThread claimant, Producer producer) {
        return claimant.call(() -> producer.tryClaim(DEAD.length).putBytes(0, DEAD, 0, DEAD.length));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void unblockReturnsFalseForALiveClaimantAndChangesNothing(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        try (ClaimantThread claimant = ClaimantThread.platform("alive")) {
            WriteClaim claim = claimAndFill(claimant, producer);
            Rings.write(producer, A);
            long producerPosition = ring.producerPosition();
            BlockedClaim blocked = ring.blockedClaim().orElseThrow();
            assertThat(blocked.claimantAlive()).isTrue();

            assertThat(consumer.unblock(blocked)).isFalse();
            assertThat(consumer.unblock(blocked)).isFalse();

            assertThat(ring.consumerPosition()).isZero();
            assertThat(ring.producerPosition()).isEqualTo(producerPosition);
            assertThat(ring.blockedClaim()).map(BlockedClaim::position).contains(0L);
            assertThat(consumer.tryRead()).as("the live claim still holds the rest back").isNull();
            claimant.run(claim::abort);
            assertThat(Rings.drainAll(consumer)).containsExactly(A);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void deadPlatformClaimantsClaimBecomesASkipMarkerAndTheRecordsBehindItDrainInOrder(RingBuffer.Type type) {
        unblockDeadClaim(type, ClaimantThread.platform("leaks-its-claim"));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void deadVirtualClaimantsClaimBecomesASkipMarkerAndTheRecordsBehindItDrainInOrder(RingBuffer.Type type) {
        unblockDeadClaim(type, ClaimantThread.virtual("virtual-leaks-its-claim"));
    }

    private void unblockDeadClaim(RingBuffer.Type type, ClaimantThread claimant) {
        ByteBuffer memory = memory();
        RingBuffer ring = ringOver(memory, type);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        claimAndFill(claimant, producer);
        Rings.write(producer, A);
        Rings.write(producer, B);
        assertThat(consumer.tryRead()).isNull();
        BlockedClaim alive = ring.blockedClaim().orElseThrow();
        assertThat(consumer.unblock(alive)).as("still alive").isFalse();

        claimant.end();
        BlockedClaim dead = ring.blockedClaim().orElseThrow();
        assertThat(dead.claimantAlive()).isFalse();
        assertThat(consumer.unblock(dead)).isTrue();

        assertThat(ring.consumerPosition()).as("released like any other record").isEqualTo(Rings.span(DEAD.length));
        for (int i = 0; i < Rings.span(DEAD.length); i++) {
            assertThat(memory.get(i)).as("byte %d of the unblocked record is zeroed", i).isZero();
        }
        assertThat(ring.blockedClaim()).isEmpty();
        Rings.write(producer, C);
        List<byte[]> drained = Rings.drainAll(consumer);
        assertThat(drained).containsExactly(A, B, C);
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void unblockingTwiceReturnsFalseTheSecondTimeAndChangesNothing(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        ClaimantThread claimant = ClaimantThread.platform("dies");
        claimAndFill(claimant, producer);
        claimant.end();
        Rings.write(producer, A);
        BlockedClaim dead = ring.blockedClaim().orElseThrow();
        assertThat(consumer.unblock(dead)).isTrue();
        long consumerPosition = ring.consumerPosition();

        assertThat(consumer.unblock(dead)).isFalse();
        assertThat(ring.consumerPosition()).isEqualTo(consumerPosition);
        assertThat(Rings.drainAll(consumer)).containsExactly(A);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void unblockAfterTheHeadMovedReturnsFalseAndLeavesTheNewHeadAlone(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        ClaimantThread first = ClaimantThread.platform("commits-late");
        WriteClaim claim = claimAndFill(first, producer);
        BlockedClaim stale = ring.blockedClaim().orElseThrow();
        first.run(claim::commit);
        first.end();
        assertThat(consumer.unblock(stale)).as("committed, not claimed any more").isFalse();
        assertThat(Rings.read(consumer)).isEqualTo(DEAD);

        // a second claim, left by a dead thread, now blocks the new head
        ClaimantThread second = ClaimantThread.platform("dies-holding-it");
        claimAndFill(second, producer);
        second.end();
        Rings.write(producer, A);
        long head = ring.consumerPosition();
        assertThat(consumer.unblock(stale)).as("the head moved past the reported claim").isFalse();
        assertThat(ring.consumerPosition()).isEqualTo(head);
        assertThat(ring.blockedClaim()).map(BlockedClaim::position).contains(head);
        assertThat(consumer.tryRead()).isNull();
        assertThat(consumer.unblock(ring.blockedClaim().orElseThrow())).isTrue();
        assertThat(Rings.drainAll(consumer)).containsExactly(A);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimOfAnotherClaimantOrPositionIsRefusedAndChangesNothing(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        ClaimantThread claimant = ClaimantThread.platform("real-claimant");
        claimAndFill(claimant, producer);
        claimant.end();
        Rings.write(producer, A);
        ClaimantThread other = ClaimantThread.platform("never-claimed");
        other.end();
        BlockedClaim real = ring.blockedClaim().orElseThrow();

        BlockedClaim otherClaimant = new BlockedClaim(real.position(), real.blockedForNanos(), other.thread().getName(),
                other.thread().getId(), false);
        BlockedClaim unknownClaimant = new BlockedClaim(real.position(), real.blockedForNanos(), null, -1, true);
        BlockedClaim otherPosition = new BlockedClaim(real.position() + Rings.span(DEAD.length), real.blockedForNanos(),
                real.claimantThreadName(), real.claimantThreadId(), false);
        BlockedClaim positionBefore = new BlockedClaim(real.position() - 8, real.blockedForNanos(),
                real.claimantThreadName(), real.claimantThreadId(), false);
        for (BlockedClaim wrong : List.of(otherClaimant, unknownClaimant, otherPosition, positionBefore)) {
            assertThat(consumer.unblock(wrong)).as("%s", wrong).isFalse();
            assertThat(ring.consumerPosition()).isZero();
            assertThat(consumer.tryRead()).isNull();
        }
        assertThat(consumer.unblock(real)).isTrue();
        assertThat(Rings.drainAll(consumer)).containsExactly(A);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void deadClaimBehindSkipMarkersIsUnblocked(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        producer.tryClaim(20).abort();
        producer.tryClaim(4).abort();
        long markersEnd = ring.producerPosition();
        ClaimantThread claimant = ClaimantThread.platform("behind-markers");
        claimAndFill(claimant, producer);
        claimant.end();
        Rings.write(producer, A);
        BlockedClaim dead = ring.blockedClaim().orElseThrow();
        assertThat(dead.position()).isEqualTo(markersEnd);
        assertThat(consumer.unblock(dead)).isTrue();
        assertThat(Rings.drainAll(consumer)).containsExactly(A);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void unblockWhileAReadClaimIsOpenThrows(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, A);
        ClaimantThread claimant = ClaimantThread.platform("dies");
        claimAndFill(claimant, producer);
        claimant.end();
        ReadClaim open = consumer.tryRead();
        BlockedClaim beforeRelease = new BlockedClaim(Rings.span(A.length), 0, "dies", claimant.thread().getId(),
                false);
        assertThatThrownBy(() -> consumer.unblock(beforeRelease)).isInstanceOf(IllegalStateException.class);
        open.close();
        assertThat(consumer.unblock(ring.blockedClaim().orElseThrow())).isTrue();
    }

    /**
     * The claimant commits and terminates after {@code unblock} has read the claimed
     * header but before it asks whether the claimant is alive: the record was committed
     * before its thread died, so it must be delivered, never turned into a skip marker.
     *
     * <p>
     * The interleaving is forced, not waited for: {@code unblock} asks the claimant's
     * {@link Thread} for its id between those two steps, and this claimant's thread class
     * runs the commit-and-terminate step on that call (from the consumer's thread, once).
     * A consumer descheduled for a moment at the same place gets the same result.
     */
    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void claimCommittedJustBeforeItsThreadTerminatesIsNeverUnblocked(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        ClaimantThread claimant = ClaimantThread.of((body) -> new HookedThread(body, "commits-then-ends"));
        HookedThread thread = (HookedThread) claimant.thread();
        WriteClaim claim = claimAndFill(claimant, producer);
        Rings.write(producer, A);
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.claimantAlive()).isTrue();

        thread.onIdAskedByAnotherThread = () -> {
            claimant.run(claim::commit);
            claimant.end();
        };
        boolean unblocked = consumer.unblock(blocked);
        assertThat(thread.onIdAskedByAnotherThread).as("the forced interleaving happened").isNull();
        assertThat(thread.isAlive()).isFalse();

        assertThat(unblocked).as("unblock() of a record committed before its claimant ended").isFalse();
        assertThat(Rings.drainAll(consumer)).containsExactly(DEAD, A);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void blockedClaimOfADeadClaimantIsStillReportedAfterAMonitorLooked(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.platform("dies");
        claimAndFill(claimant, producer);
        claimant.end();
        Optional<BlockedClaim> first = ring.blockedClaim();
        Optional<BlockedClaim> second = ring.blockedClaim();
        assertThat(first).isPresent();
        assertThat(second).map(BlockedClaim::position).contains(first.get().position());
        assertThat(second.get().blockedForNanos()).isGreaterThanOrEqualTo(first.get().blockedForNanos());
    }

    /** A platform thread that runs a step once when another thread asks for its id. */
    static final class HookedThread extends Thread {

        volatile Runnable onIdAskedByAnotherThread;

        HookedThread(Runnable body, String name) {
            super(body, name);
            setDaemon(true);
        }

        @Override
        @SuppressWarnings("deprecation")
        public long getId() {
            Runnable step = this.onIdAskedByAnotherThread;
            if (step != null && Thread.currentThread() != this) {
                this.onIdAskedByAnotherThread = null;
                step.run();
            }
            return super.getId();
        }

    }

}
