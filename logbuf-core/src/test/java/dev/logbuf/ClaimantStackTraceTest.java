package dev.logbuf;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RingBuffer#claimantStackTrace(BlockedClaim)}: where a live claimant stands, and
 * nothing for a claimant that is gone or a claim that was resolved (docs/api.md,
 * docs/stuck-claims.md).
 */
class ClaimantStackTraceTest {

    @Test
    void liveClaimantsStackShowsWhereItHoldsTheClaim() throws Exception {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> holdClaimUntil(producer, claimed, release), "holder");
        holder.start();
        claimed.await();
        BlockedClaim claim = await().until(ring::blockedClaim, (blocked) -> blocked.isPresent()).get();

        StackTraceElement[] stack = ring.claimantStackTrace(claim).orElseThrow();

        assertThat(Arrays.stream(stack).map(StackTraceElement::getMethodName)).contains("holdClaimUntil");
        release.countDown();
        holder.join();
        assertThat(ring.claimantStackTrace(claim)).as("committed: nothing to show").isEmpty();
    }

    @Test
    void terminatedClaimantHasNoStack() throws Exception {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        AtomicReference<WriteClaim> leaked = new AtomicReference<>();
        Thread leaker = new Thread(() -> leaked.set(producer.tryClaim(8)), "leaker");
        leaker.start();
        leaker.join();
        BlockedClaim claim = ring.blockedClaim().orElseThrow();

        assertThat(claim.claimantAlive()).isFalse();
        assertThat(ring.claimantStackTrace(claim)).isEmpty();
    }

    @Test
    void snapshotOfAnotherPositionOrClaimantGetsNothing() throws Exception {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> holdClaimUntil(producer, claimed, release), "holder");
        holder.start();
        claimed.await();
        BlockedClaim claim = await().until(ring::blockedClaim, (blocked) -> blocked.isPresent()).get();
        try {
            assertThat(ring
                .claimantStackTrace(new BlockedClaim(claim.position(), 0, "x", claim.claimantThreadId() + 1, true)))
                .isEmpty();
            assertThat(ring
                .claimantStackTrace(new BlockedClaim(claim.position() + 8, 0, "x", claim.claimantThreadId(), true)))
                .isEmpty();
            assertThat(ring.claimantStackTrace(new BlockedClaim(claim.position(), 0, null, -1, true))).isEmpty();
        }
        finally {
            release.countDown();
            holder.join();
        }
    }

    private static void holdClaimUntil(Producer producer, CountDownLatch claimed, CountDownLatch release) {
        try (WriteClaim claim = producer.tryClaim(8)) {
            claimed.countDown();
            release.await();
            claim.putLong(0, 1).commit();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
