package dev.logbuf.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logbuf.BlockedClaim;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link DrainAgent} as its Javadoc states it: a failing sink keeps its
 * batch in the ring and gets it again after a back-off, a failing handler consumes its
 * record, a claim whose thread terminated is unblocked after the stall timeout (on the
 * injected clock: nothing here sleeps), {@code stop} drains what was claimed (waiting for
 * open claims, unblocking dead ones at once) and closes the sink, and the listener hears
 * of all of it.
 */
class DrainAgentTest {

    private static final long START = 1_000_000_000_000L;

    private final AtomicLong clock = new AtomicLong(START);

    private final RecordingListener listener = new RecordingListener();

    private RingBuffer ring(int capacity) {
        return RingBuffer.builder(RingBuffer.Type.MPSC).capacity(capacity).nanoClock(this.clock::get).build();
    }

    private static void offerSequence(Producer producer, int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(producer.offer(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, i))).isTrue();
        }
    }

    private static List<Integer> sequence(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toList());
    }

    /** A claim by a thread that then terminates without committing it. */
    private static void leaveDeadClaim(Producer producer, String threadName) throws InterruptedException {
        Thread thread = new Thread(() -> producer.tryClaim(4).putInt(0, -1), threadName);
        thread.start();
        thread.join();
        assertThat(thread.isAlive()).isFalse();
    }

    private void advance(Duration duration) {
        this.clock.addAndGet(duration.toNanos());
    }

    @Test
    void sinkFailingNTimesThenSucceedingGetsEveryRecordOnceInOrderAfterBackOffs() {
        RingBuffer ring = ring(4096);
        offerSequence(ring.producer(), 0, 100);
        FlakySink sink = new FlakySink(this.clock::get, 4, 3, false);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .sink(sink)
            .batchLimit(10)
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .listener(this.listener)
            .nanoClock(this.clock::get)
            .build();
        for (int turn = 0; turn < 10_000 && sink.stored.size() < 100; turn++) {
            agent.doWork();
            advance(Duration.ofMillis(1));
        }
        assertThat(sink.stored).as("every record once, in order").isEqualTo(sequence(0, 100));
        assertThat(sink.ringIds).containsExactly(ring.id());
        // failed attempts at t, then back-offs of 10, 20, 40 and 40 ms (capped)
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < sink.attemptTimes.size() && i <= 4; i++) {
            gaps.add((sink.attemptTimes.get(i) - sink.attemptTimes.get(i - 1)) / 1_000_000);
        }
        assertThat(gaps).containsExactly(10L, 20L, 40L, 40L);
        assertThat(agent.failures()).isEqualTo(4);
        assertThat(agent.recordsDrained()).isEqualTo(100);
        assertThat(agent.lastFailure()).isEmpty();
        assertThat(this.listener.failures).hasSize(4).allMatch((kept) -> kept);
        assertThat(this.listener.recovered).containsExactly(4L);
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @Test
    void sinkFailingInEndOfBatchKeepsTheWholeBatch() {
        RingBuffer ring = ring(4096);
        offerSequence(ring.producer(), 0, 30);
        FlakySink sink = new FlakySink(this.clock::get, 2, 0, true);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .sink(sink)
            .batchLimit(8)
            .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(5))
            .listener(this.listener)
            .nanoClock(this.clock::get)
            .build();
        agent.doWork();
        assertThat(agent.lastFailure()).isPresent();
        assertThat(ring.consumerPosition()).as("a failed batch is not released").isZero();
        for (int turn = 0; turn < 1000 && sink.stored.size() < 30; turn++) {
            agent.doWork();
            advance(Duration.ofMillis(1));
        }
        assertThat(sink.stored).isEqualTo(sequence(0, 30));
        assertThat(this.listener.recovered).containsExactly(2L);
    }

    @Test
    void handlerFailureConsumesThePoisonRecordAndTheLoopGoesOn() {
        RingBuffer ring = ring(4096);
        offerSequence(ring.producer(), 0, 20);
        List<Integer> handled = new ArrayList<>();
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer()).handler((buffer, offset, length) -> {
            int value = buffer.getInt(offset);
            handled.add(value);
            if (value == 5) {
                throw new IllegalStateException("poison record 5");
            }
        }).batchLimit(8).listener(this.listener).nanoClock(this.clock::get).build();
        for (int turn = 0; turn < 10; turn++) {
            agent.doWork();
        }
        assertThat(handled).as("the poison record once, never again").isEqualTo(sequence(0, 20));
        assertThat(agent.failures()).isEqualTo(1);
        assertThat(agent.recordsDrained()).isEqualTo(20);
        assertThat(this.listener.failures).containsExactly(false);
        assertThat(this.listener.errors.get(0)).hasMessage("poison record 5");
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @Test
    void deadClaimIsUnblockedOnceTheStallTimeoutHasPassedOnTheInjectedClock() throws InterruptedException {
        RingBuffer ring = ring(4096);
        Producer producer = ring.producer();
        offerSequence(producer, 0, 3);
        leaveDeadClaim(producer, "died-holding-a-claim");
        offerSequence(producer, 3, 6);
        List<Integer> handled = new ArrayList<>();
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .handler((buffer, offset, length) -> handled.add(buffer.getInt(offset)))
            .unblockDeadClaims(Duration.ofSeconds(5))
            .listener(this.listener)
            .nanoClock(this.clock::get)
            .build();
        for (int turn = 0; turn < 50; turn++) { // 4.9 s in 100 ms steps
            agent.doWork();
            advance(Duration.ofMillis(98));
        }
        assertThat(handled).as("stuck behind the dead claim").isEqualTo(sequence(0, 3));
        assertThat(agent.claimsUnblocked()).isZero();
        for (int turn = 0; turn < 10 && handled.size() < 6; turn++) {
            advance(Duration.ofMillis(100));
            agent.doWork();
        }
        assertThat(handled).isEqualTo(sequence(0, 6));
        assertThat(agent.claimsUnblocked()).isEqualTo(1);
        assertThat(this.listener.unblocked).hasSize(1);
        BlockedClaim claim = this.listener.unblocked.get(0);
        assertThat(claim.claimantThreadName()).isEqualTo("died-holding-a-claim");
        assertThat(claim.claimantAlive()).isFalse();
        assertThat(claim.blockedForNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    }

    /**
     * {@code System.nanoTime()}'s origin is arbitrary, "perhaps in the future, so values
     * may be negative": the stall check must work on such a clock too.
     */
    @Test
    void deadClaimIsUnblockedOnAClockWhoseValuesAreNegative() throws InterruptedException {
        this.clock.set(-4_000_000_000_000_000_000L);
        RingBuffer ring = ring(4096);
        Producer producer = ring.producer();
        leaveDeadClaim(producer, "died-early");
        offerSequence(producer, 0, 2);
        List<Integer> handled = new ArrayList<>();
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .handler((buffer, offset, length) -> handled.add(buffer.getInt(offset)))
            .unblockDeadClaims(Duration.ofSeconds(1))
            .nanoClock(this.clock::get)
            .build();
        for (int turn = 0; turn < 100 && handled.size() < 2; turn++) {
            agent.doWork();
            advance(Duration.ofMillis(100));
        }
        assertThat(handled).as("drained after the dead claim was unblocked (10 s of clock passed)")
            .isEqualTo(sequence(0, 2));
    }

    @Test
    void liveClaimIsNeverUnblockedHoweverLongItStalls() throws InterruptedException {
        RingBuffer ring = ring(4096);
        Producer producer = ring.producer();
        AtomicReference<WriteClaim> claim = new AtomicReference<>();
        AtomicBoolean commit = new AtomicBoolean();
        Thread holder = new Thread(() -> {
            claim.set(producer.tryClaim(4).putInt(0, 0));
            await().atMost(Duration.ofSeconds(60)).untilTrue(commit);
            claim.get().commit();
        }, "slow-but-alive");
        holder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.blockedClaim().isPresent());
        offerSequence(producer, 1, 3);
        List<Integer> handled = new ArrayList<>();
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .handler((buffer, offset, length) -> handled.add(buffer.getInt(offset)))
            .unblockDeadClaims(Duration.ofSeconds(1))
            .nanoClock(this.clock::get)
            .build();
        for (int turn = 0; turn < 100; turn++) {
            agent.doWork();
            advance(Duration.ofMinutes(1));
        }
        assertThat(handled).isEmpty();
        assertThat(agent.claimsUnblocked()).isZero();
        commit.set(true);
        holder.join();
        agent.doWork();
        assertThat(handled).isEqualTo(sequence(0, 3));
    }

    @Test
    void stopWaitsForAClaimStillOpenThenDrainsEverythingAndClosesTheSink() throws Exception {
        RingBuffer ring = RingBuffer.mpsc(4096);
        Producer producer = ring.producer();
        FlakySink sink = new FlakySink(System::nanoTime, 0, 0, false);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer()).sink(sink).listener(this.listener).build();
        agent.start();
        offerSequence(producer, 0, 50);
        AtomicBoolean commit = new AtomicBoolean();
        Thread holder = new Thread(() -> {
            WriteClaim claim = producer.tryClaim(4).putInt(0, 50);
            await().atMost(Duration.ofSeconds(60)).untilTrue(commit);
            claim.commit();
        }, "commits-during-stop");
        holder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.blockedClaim().isPresent());
        offerSequence(producer, 51, 60);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.stored.size() == 50);

        AtomicReference<Boolean> stopped = new AtomicReference<>();
        Thread stopper = new Thread(() -> stopped.set(agent.stop(Duration.ofSeconds(60))), "stopper");
        stopper.start();
        // stop() has asked the loop to stop and waits for it (in Thread.join)
        await().atMost(Duration.ofSeconds(30)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        assertThat(sink.closed).as("not closed while a claim is still open").isFalse();
        commit.set(true);
        stopper.join(60_000);
        holder.join();

        assertThat(stopped.get()).isTrue();
        assertThat(sink.stored).isEqualTo(sequence(0, 60));
        assertThat(sink.closed).isTrue();
        assertThat(sink.closedAfterRecords).isEqualTo(60);
        assertThat(agent.isRunning()).isFalse();
        assertThat(agent.isThreadAlive()).isFalse();
        assertThat(this.listener.stopped).containsExactly("true 0 -");
    }

    @Test
    void stopWithADeadClaimAtTheHeadUnblocksItAtOnce() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(4096);
        Producer producer = ring.producer();
        leaveDeadClaim(producer, "dead-at-the-head");
        offerSequence(producer, 0, 10);
        FlakySink sink = new FlakySink(System::nanoTime, 0, 0, false);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .sink(sink)
            .unblockDeadClaims(Duration.ofDays(1))
            .listener(this.listener)
            .build();
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ring.blockedClaim().isPresent());
        assertThat(sink.stored).isEmpty();
        // a zero timeout: only unblocking at once can drain anything
        assertThat(agent.stop(Duration.ZERO)).isTrue();
        assertThat(sink.stored).isEqualTo(sequence(0, 10));
        assertThat(sink.closed).isTrue();
        assertThat(agent.claimsUnblocked()).isEqualTo(1);
        assertThat(this.listener.unblocked).singleElement()
            .extracting(BlockedClaim::claimantThreadName)
            .isEqualTo("dead-at-the-head");
        assertThat(this.listener.stopped).containsExactly("true 0 -");
    }

    @Test
    void stopWithoutUnblockingReportsTheDeadClaimThatKeptTheRestBack() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(4096);
        Producer producer = ring.producer();
        leaveDeadClaim(producer, "dead-no-unblock");
        offerSequence(producer, 0, 10);
        FlakySink sink = new FlakySink(System::nanoTime, 0, 0, false);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer()).sink(sink).listener(this.listener).build();
        agent.start();
        assertThat(agent.stop(Duration.ZERO)).isFalse();
        assertThat(sink.stored).isEmpty();
        assertThat(sink.closed).isTrue();
        assertThat(this.listener.stopped).singleElement().asString().startsWith("false ");
        assertThat(this.listener.stoppedBlocked.get()).hasValueSatisfying((claim) -> {
            assertThat(claim.claimantThreadName()).isEqualTo("dead-no-unblock");
            assertThat(claim.claimantAlive()).isFalse();
        });
        assertThat(ring.producerPosition() - ring.consumerPosition()).isEqualTo(this.listener.stoppedBytesLeft.get());
    }

    @Test
    void listenerThatThrowsNeverStopsTheLoop() {
        RingBuffer ring = ring(4096);
        offerSequence(ring.producer(), 0, 10);
        DrainListener throwing = new DrainListener() {
            @Override
            public void onFailure(Throwable error, boolean recordsKept) {
                throw new IllegalStateException("listener failure");
            }

            @Override
            public void onRecovered(long failedAttempts) {
                throw new IllegalStateException("listener failure");
            }
        };
        FlakySink sink = new FlakySink(this.clock::get, 1, 1, false);
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer())
            .sink(sink)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
            .listener(throwing)
            .nanoClock(this.clock::get)
            .build();
        for (int turn = 0; turn < 10 && sink.stored.size() < 10; turn++) {
            agent.doWork();
            advance(Duration.ofMillis(2));
        }
        assertThat(sink.stored).isEqualTo(sequence(0, 10));
    }

    @Test
    void builderRefusesConflictingOrOutOfRangeSettings() {
        RingBuffer ring = RingBuffer.mpsc(1024);
        DrainAgent.Builder neither = DrainAgent.builder(ring, ring.consumer());
        assertThatThrownBy(neither::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("sink");
        RingBuffer other = RingBuffer.mpsc(1024);
        DrainAgent.Builder both = DrainAgent.builder(other, other.consumer()).sink((b, o, l, p) -> {
        }).handler((b, o, l) -> {
        });
        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> neither.batchLimit(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("0");
        assertThatThrownBy(() -> neither.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> neither.unblockDeadClaims(Duration.ofSeconds(-1)))
            .isInstanceOf(IllegalArgumentException.class);
    }

}
