package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API.md, "Round 2 additions", "Claims that never finish", first bullet: a
 * {@link BlockedClaim} names its claimant ({@code claimantThreadName},
 * {@code claimantThreadId}, {@code claimantAlive}) with the name the thread had when it
 * claimed on this ring, still known after it terminated and for virtual threads; a
 * reservation without a header yet has no known claimant (name {@code null}, id
 * {@code -1}, alive). See the Javadoc of {@link BlockedClaim} and
 * {@link RingBuffer#blockedClaim()}.
 */
class BlockedClaimClaimantTest {

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void claimantIsNamedWhileAliveAndAfterItTerminated(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.platform("orders-worker-3");
        claimant.run(() -> producer.tryClaim(8).putLong(0, 42));

        BlockedClaim whileAlive = ring.blockedClaim().orElseThrow();
        assertThat(whileAlive.position()).isZero();
        assertThat(whileAlive.claimantThreadName()).isEqualTo("orders-worker-3");
        assertThat(whileAlive.claimantThreadId()).isEqualTo(claimant.thread().getId());
        assertThat(whileAlive.claimantAlive()).isTrue();

        claimant.end();
        BlockedClaim afterDeath = ring.blockedClaim().orElseThrow();
        assertThat(afterDeath.position()).isZero();
        assertThat(afterDeath.claimantThreadName()).as("name known after the claimant terminated")
            .isEqualTo("orders-worker-3");
        assertThat(afterDeath.claimantThreadId()).isEqualTo(claimant.thread().getId());
        assertThat(afterDeath.claimantAlive()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void virtualThreadClaimantIsNamedAfterItTerminated(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.virtual("request-17");
        assertThat(ClaimantThread.isVirtual(claimant.thread())).isTrue();
        claimant.run(() -> producer.tryClaim(8).putLong(0, 42));

        BlockedClaim whileAlive = ring.blockedClaim().orElseThrow();
        assertThat(whileAlive.claimantThreadName()).isEqualTo("request-17");
        assertThat(whileAlive.claimantThreadId()).isEqualTo(claimant.thread().getId());
        assertThat(whileAlive.claimantAlive()).isTrue();

        claimant.end();
        BlockedClaim afterDeath = ring.blockedClaim().orElseThrow();
        assertThat(afterDeath.claimantThreadName()).isEqualTo("request-17");
        assertThat(afterDeath.claimantThreadId()).isEqualTo(claimant.thread().getId());
        assertThat(afterDeath.claimantAlive()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void unnamedVirtualThreadIsReportedWithItsEmptyNameNotNull(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.virtual("");
        claimant.run(() -> producer.tryClaim(8));
        claimant.end();
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.claimantThreadName()).as("a virtual thread's default name is \"\"").isEmpty();
        assertThat(blocked.claimantThreadId()).isEqualTo(claimant.thread().getId());
        assertThat(blocked.claimantAlive()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void nameIsTheOneTheThreadHadWhenItClaimedNotItsLaterName(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.platform("first-name");
        claimant.run(() -> Rings.write(producer, new byte[] { 1 }));
        claimant.run(() -> {
            Thread.currentThread().setName("second-name");
            producer.tryClaim(8);
            Thread.currentThread().setName("renamed-after-the-claim");
        });
        claimant.end();
        Rings.read(ring.consumer());
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.position()).isEqualTo(Rings.span(1));
        assertThat(blocked.claimantThreadName()).isEqualTo("second-name");
        assertThat(blocked.claimantAlive()).isFalse();
    }

    @Test
    void spscProducerHandedOverToAnotherThreadNamesTheThreadThatClaimed() {
        RingBuffer ring = RingBuffer.spsc(256);
        Producer producer = ring.producer();
        ClaimantThread first = ClaimantThread.platform("first-owner");
        first.run(() -> Rings.write(producer, new byte[] { 1 }));
        first.end();
        ClaimantThread second = ClaimantThread.platform("second-owner");
        second.run(() -> producer.tryClaim(8));
        Rings.read(ring.consumer());
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.claimantThreadName()).isEqualTo("second-owner");
        assertThat(blocked.claimantThreadId()).isEqualTo(second.thread().getId());
        assertThat(blocked.claimantAlive()).isTrue();
        second.end();
        assertThat(ring.blockedClaim().orElseThrow().claimantAlive()).isFalse();
    }

    /**
     * A snapshot must not join a header read while the claim was open to a liveness read
     * after its thread committed and ended: that reports a dead claim that never existed
     * (a record committed before its thread terminated), so monitoring raises a false
     * alarm. The interleaving is forced as in {@link UnblockTest}: {@code blockedClaim()}
     * asks the claimant's thread for its id after reading the header and before asking
     * whether it is alive, and this thread commits and ends on that call.
     */
    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordCommittedJustBeforeItsThreadTerminatesIsNeverReportedAsADeadClaim(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        ClaimantThread claimant = ClaimantThread.of((body) -> new UnblockTest.HookedThread(body, "commits-then-ends"));
        UnblockTest.HookedThread thread = (UnblockTest.HookedThread) claimant.thread();
        WriteClaim claim = claimant.call(() -> producer.tryClaim(8).putLong(0, 42));

        thread.onIdAskedByAnotherThread = () -> {
            claimant.run(claim::commit);
            claimant.end();
        };
        Optional<BlockedClaim> report = ring.blockedClaim();
        assertThat(thread.onIdAskedByAnotherThread).as("the forced interleaving happened").isNull();

        assertThat(report.map(BlockedClaim::claimantAlive))
            .as("a record committed before its thread ended, reported as blocked by a dead claimant")
            .isNotEqualTo(Optional.of(false));
        assertThat(Rings.drainAll(ring.consumer())).hasSize(1);
    }

    /**
     * An MPSC producer that has won the CAS on the producer position but not yet written
     * its claimed header: forged in caller-owned memory, whose layout is documented on
     * {@link RingBuffer#mpsc(ByteBuffer)} (producer position at {@code C + 128}). The
     * reserved record reads as zero; the ring cannot know who reserved it.
     */
    @Test
    void reservationWithoutAHeaderYetHasNoKnownClaimantAndMayStillWrite() {
        ByteBuffer memory = ByteBuffer.allocateDirect(64 + 384).order(ByteOrder.LITTLE_ENDIAN);
        RingBuffer ring = RingBuffer.mpsc(memory);
        assertThat(ring.capacity()).isEqualTo(64);
        memory.putLong(64 + 128, Rings.span(8)); // the producer position moved, no header

        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.position()).isZero();
        assertThat(blocked.claimantThreadName()).isNull();
        assertThat(blocked.claimantThreadId()).isEqualTo(-1);
        assertThat(blocked.claimantAlive()).as("it may still write").isTrue();
        Consumer consumer = ring.consumer();
        assertThat(consumer.unblock(blocked)).as("a reservation without a known claimant is never unblocked").isFalse();
        assertThat(consumer.tryRead()).isNull();
        assertThat(ring.consumerPosition()).isZero();

        // the reserving producer now publishes its record
        memory.put(Rings.HEADER, Rings.payload(8, 3));
        memory.putLong(0, RecordDescriptor.committedHeader(8));
        assertThat(ring.blockedClaim()).isEmpty();
        assertThat(Rings.read(consumer)).isEqualTo(Rings.payload(8, 3));
    }

}
