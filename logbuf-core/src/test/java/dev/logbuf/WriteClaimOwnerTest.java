package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API.md, "Round 2 additions": "An open {@code WriteClaim} belongs to the thread that
 * claimed it". The {@link WriteClaim} Javadoc: every method but {@code length()} and
 * {@code position()} throws {@link IllegalStateException} on any other thread, so a claim
 * left behind by a thread that terminated (which the consumer may have unblocked since)
 * can never write into the ring again.
 */
class WriteClaimOwnerTest {

    private static final byte[] PAYLOAD = Rings.payload(16, 5);

    private static Map<String, ThrowingCallable> everyWriteOf(WriteClaim claim) {
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("putByte", () -> claim.putByte(0, (byte) -1));
        calls.put("putShort", () -> claim.putShort(0, (short) -1));
        calls.put("putInt", () -> claim.putInt(0, -1));
        calls.put("putLong", () -> claim.putLong(0, -1L));
        calls.put("putBytes(byte[])", () -> claim.putBytes(0, new byte[] { -1, -1 }, 0, 2));
        calls.put("putBytes(ByteBuffer)", () -> claim.putBytes(0, ByteBuffer.wrap(new byte[] { -1, -1 })));
        calls.put("buffer", claim::buffer);
        calls.put("commit", claim::commit);
        calls.put("abort", claim::abort);
        calls.put("close", claim::close);
        return calls;
    }

    /**
     * Calls every writing method of {@code claim} on this thread, in the order of
     * {@link #everyWriteOf}; returns those that did not throw
     * {@link IllegalStateException} (with what they threw instead, if anything).
     */
    private static List<String> callsAccepted(WriteClaim claim) {
        List<String> accepted = new ArrayList<>();
        everyWriteOf(claim).forEach((name, call) -> {
            try {
                call.call();
                accepted.add(name);
            }
            catch (IllegalStateException expected) {
                // refused, as it must be
            }
            catch (Throwable other) {
                accepted.add(name + " (threw " + other + ")");
            }
        });
        return accepted;
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void openClaimUsedFromAnotherThreadThrowsAndWritesNothing(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        Producer producer = ring.producer();
        try (ClaimantThread claimant = ClaimantThread.platform("owner")) {
            WriteClaim claim = claimant
                .call(() -> producer.tryClaim(PAYLOAD.length).putBytes(0, PAYLOAD, 0, PAYLOAD.length));
            assertThat(claim.length()).as("length() from any thread").isEqualTo(PAYLOAD.length);
            assertThat(claim.position()).as("position() from any thread").isZero();

            List<String> accepted = callsAccepted(claim);
            String ownerCommit = claimant.call(() -> {
                try {
                    claim.commit();
                    return "committed by its owner";
                }
                catch (IllegalStateException ex) {
                    return ex.getMessage();
                }
            });
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(accepted).as("calls a thread that did not claim was allowed to make").isEmpty();
            softly.assertThat(ownerCommit).isEqualTo("committed by its owner");
            softly.assertThat(Rings.drainAll(ring.consumer()))
                .as("the owner's record, nothing written by the other thread")
                .containsExactly(PAYLOAD);
            softly.assertAll();
        }
    }

    /**
     * The claimant leaks its claim object to another thread and terminates; the consumer
     * unblocks the claim and its space goes to a new record of another length; the leaked
     * object must not write into that record, nor commit over its header.
     */
    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void leakedClaimObjectCanNeverWriteAfterItWasUnblocked(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(64 + 384).order(ByteOrder.LITTLE_ENDIAN);
        RingBuffer ring = Rings.ring(type, memory);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        ClaimantThread claimant = ClaimantThread.platform("leaks");
        WriteClaim leaked = claimant.call(() -> producer.tryClaim(8).putLong(0, 7L));
        claimant.end();
        assertThat(consumer.unblock(ring.blockedClaim().orElseThrow())).isTrue();

        // walk round the 64-byte ring so the next record lands where the leaked one was
        for (int i = 0; i < 3; i++) {
            Rings.write(producer, Rings.payload(8, i));
            Rings.read(consumer);
        }
        assertThat(ring.producerPosition()).isEqualTo(64);
        byte[] next = Rings.payload(16, 42);
        Rings.write(producer, next);

        List<String> accepted = callsAccepted(leaked);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(accepted).as("calls a leaked claim was allowed to make after it was unblocked").isEmpty();
        softly.assertThat(Rings.drainAll(consumer))
            .as("the record that reused the space, untouched")
            .containsExactly(next);
        softly.assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
        softly.assertAll();
    }

}
