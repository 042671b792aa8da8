package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The header states of {@link RecordDescriptor} as a ring really leaves them in memory (a
 * ring over caller-owned memory, read byte for byte): free (0), claimed (negative,
 * carrying the claimant's tag and the payload length, so that {@code unblock} and crash
 * recovery know the record's extent without its claimant), committed (the length), skip
 * marker (minus the bytes skipped), and free again once released. API.md, "Round 2
 * additions": "the claimed record's length is recoverable".
 */
class RecordHeaderStatesTest {

    private final ByteBuffer memory = ByteBuffer.allocateDirect(64 + 384).order(ByteOrder.LITTLE_ENDIAN);

    private long header(int index) {
        return this.memory.getLong(index);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void claimCommitReleaseGoesFreeClaimedCommittedFree(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, this.memory);
        assertThat(header(0)).as("free").isZero();
        WriteClaim claim = ring.producer().tryClaim(13);
        long claimed = header(0);
        assertThat(RecordDescriptor.isClaimed(claimed)).as("claimed: %x", claimed).isTrue();
        assertThat(claimed).isNegative();
        assertThat(RecordDescriptor.frameLength(claimed)).as("the length travels with the claim").isEqualTo(13);
        assertThat(RecordDescriptor.tag(claimed)).as("a claimant slot is recorded").isPositive();
        assertThat(RecordDescriptor.isCommitted(claimed) || RecordDescriptor.isSkipMarker(claimed)).isFalse();

        claim.putBytes(0, Rings.payload(13, 1), 0, 13).commit();
        assertThat(header(0)).as("committed: the length").isEqualTo(RecordDescriptor.committedHeader(13)).isEqualTo(13);
        assertThat(RecordDescriptor.isCommitted(header(0))).isTrue();

        Rings.read(ring.consumer());
        for (int i = 0; i < Rings.span(13); i += 8) {
            assertThat(header(i)).as("released space reads as zero at %d", i).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void abortAndUnblockBothLeaveASkipMarkerOfTheAlignedLength(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, this.memory);
        Producer producer = ring.producer();
        producer.tryClaim(13).abort();
        assertThat(header(0)).isEqualTo(RecordDescriptor.skipMarkerHeader(Rings.span(13)));
        assertThat(RecordDescriptor.isSkipMarker(header(0))).isTrue();
        assertThat(RecordDescriptor.frameLength(header(0))).isEqualTo(-24);

        ClaimantThread claimant = ClaimantThread.platform("dies");
        claimant.run(() -> producer.tryClaim(5));
        claimant.end();
        int index = Rings.span(13);
        assertThat(RecordDescriptor.isClaimed(header(index))).isTrue();
        assertThat(RecordDescriptor.frameLength(header(index))).isEqualTo(5);
        Consumer consumer = ring.consumer();
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.position()).isEqualTo(index);
        assertThat(consumer.unblock(blocked)).isTrue();
        assertThat(header(0)).as("both released and zeroed").isZero();
        assertThat(header(index)).isZero();
        assertThat(ring.consumerPosition()).isEqualTo(Rings.span(13) + Rings.span(5));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordThatWouldCrossTheEndLeavesASkipMarkerUpToIt(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, this.memory);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, Rings.payload(24, 1)); // 32 bytes at 0
        Rings.write(producer, Rings.payload(8, 2)); // 16 bytes at 32
        Rings.read(consumer);
        Rings.write(producer, Rings.payload(20, 3)); // needs 32: 16 left before the end
        assertThat(header(48)).as("wrap skip marker of the 16 bytes before the end")
            .isEqualTo(RecordDescriptor.skipMarkerHeader(16));
        assertThat(header(0)).isEqualTo(RecordDescriptor.committedHeader(20));
        assertThat(Rings.drainAll(consumer)).containsExactly(Rings.payload(8, 2), Rings.payload(20, 3));
    }

}
