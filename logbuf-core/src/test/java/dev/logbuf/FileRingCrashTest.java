package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API.md, "Round 2 additions", "File-backed rings", recovery: "after the process that
 * used the file dies at any instant (kill -9 ...), reopening delivers, in order and
 * uncorrupted, every record whose {@code commit()} or successful {@code offer()} returned
 * before the death and that the consumer had not released; claims still open at the death
 * are dropped as skip markers. A record is never delivered that was not committed" and "a
 * death during the consumer's zeroing and release is recovered too". See the Javadoc of
 * {@link RingBuffer#mpsc(Path, int)}.
 *
 * <p>
 * Each round starts a {@link FileRingCrashChild} (producers on several threads, a
 * consumer draining in batches; two memory-mapped logs of what was committed and what the
 * consumer was handed), kills it with {@code SIGKILL} at a random moment, reopens the
 * ring in this JVM, drains it and checks, per producer, with <i>committing</i> and
 * <i>acked</i> from the ack log ({@link CrashRecords}), <i>released</i> = the release-log
 * entries below the reopened ring's consumer position and <i>delivered</i> = what the
 * reopened ring hands over:
 * <ul>
 * <li>the release-log entries at or above the reopened consumer position (handed over,
 * not released at the death) are exactly the first records delivered again;</li>
 * <li>released ∪ delivered holds the sequences 1..n, each once, in order, every record
 * intact and of this round, never an aborted one;</li>
 * <li>acked ≤ n (no acknowledged record missing) and n ≤ committing (nothing delivered
 * that was not committed: committing is stored before the commit, so a record with a
 * higher sequence was never committed; n = acked + 1 is a commit that returned just
 * before the kill, without its ack);</li>
 * <li>{@code recovery().records()} is what was delivered, positions meet after the
 * drain.</li>
 * </ul>
 * Rounds vary the ring (SPSC with one producer, MPSC with 2 to 4), the capacity (256
 * bytes: a wrap every few records; up to 256 KiB), record lengths, the consumer's call
 * ({@code drainTo}, which releases once per call after {@code endOfBatch()}, or, every
 * third round, {@code drain}, which also releases each quarter of the capacity during the
 * call) and the moment: after a random number of acks, inside a drain batch (the consumer
 * is slowed down per record so that batches are long), as soon as the sink ended a batch
 * (the ring then zeroes and releases it: the kill sometimes lands in that window), in a
 * {@code drain} call after it released part of its records, or right after start. The
 * ring file of each type and capacity is kept across rounds, so every child reopens a
 * file that was killed into before. The totals are printed (and asserted to include kills
 * with a batch handed over, with content across the wrap, with open claims and inside a
 * {@code drain} call after part of it was released).
 *
 * <p>
 * {@code -Dlogbuf.crash.rounds=N} (default {@value #DEFAULT_ROUNDS}, 1.5 to 2 minutes on
 * 2 shared cores) and {@code -Dlogbuf.crash.seed=S} (default random; printed first).
 */
class FileRingCrashTest {

    static final int DEFAULT_ROUNDS = 100;

    private static final int[] CAPACITIES = { 256, 256, 1024, 16 * 1024, 256 * 1024 };

    private static final long RECORDS_PER_PRODUCER = 400_000;

    @TempDir
    Path dir;

    enum Moment {

        /** After a random number of acknowledged records. */
        AFTER_ACKS,
        /** While the consumer has handed a batch over and not finished releasing it. */
        IN_DRAIN_BATCH,
        /**
         * As soon as the consumer's sink has ended a batch, which the ring then zeroes
         * and releases (the kill often lands a little later).
         */
        IN_RELEASE,
        /**
         * Inside a {@code drain} call, once it has released the first quarter of the
         * capacity it read: records of one call on both sides of the head.
         */
        IN_DRAIN_CALL_AFTER_ITS_RELEASE,
        /** As soon as the child reported it runs. */
        RIGHT_AFTER_START

    }

    record Round(int number, RingBuffer.Type type, int capacity, int producers, int minLength, int maxLength,
            boolean drainCalls, Moment moment, long ackTarget, long seed) {

        @Override
        public String toString() {
            return "round " + this.number + " (" + this.type + ", " + this.capacity + " B, " + this.producers
                    + " producers, records " + this.minLength + ".." + this.maxLength + " B, "
                    + (this.drainCalls ? "drain" : "drainTo") + ", kill " + this.moment + " at " + this.ackTarget
                    + " acks, seed " + this.seed + ")";
        }

    }

    @Test
    void sigkillAtRandomMomentsLosesNoAcknowledgedRecordAndDeliversNothingUncommitted() throws Exception {
        int rounds = Integer.getInteger("logbuf.crash.rounds", DEFAULT_ROUNDS);
        long seed = Long.getLong("logbuf.crash.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("FileRingCrashTest: " + rounds + " rounds, -Dlogbuf.crash.seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        CrashTally tally = new CrashTally();
        for (int number = 1; number <= rounds; number++) {
            Round round = nextRound(number, random);
            tally.add(round, runRound(round));
        }
        System.out.println("FileRingCrashTest: " + tally);
        assertThat(tally.rounds()).isEqualTo(rounds);
        if (rounds >= 40) {
            // the interesting moments must actually have been hit, or the test proves
            // less than it claims
            assertThat(tally.killedInBatch).as("rounds killed with a drain batch handed over").isPositive();
            assertThat(tally.wrappedContent).as("rounds killed with content across the wrap").isPositive();
            assertThat(tally.claimsDropped).as("claims open at a kill, dropped by recovery").isPositive();
            assertThat(tally.killedAfterInCallRelease)
                .as("rounds killed in a drain call with records of the call on both sides of the head")
                .isPositive();
        }
    }

    private static Round nextRound(int number, SplittableRandom random) {
        RingBuffer.Type type = (number % 2 == 0) ? RingBuffer.Type.SPSC : RingBuffer.Type.MPSC;
        int capacity = CAPACITIES[random.nextInt(CAPACITIES.length)];
        int producers = (type == RingBuffer.Type.SPSC) ? 1 : 2 + random.nextInt(3);
        int maxRecord = RecordDescriptor.maxRecordLength(capacity);
        int[] maxLengths = { 40, 120, 600, 4000 };
        int maxLength = Math.min(maxRecord, maxLengths[random.nextInt(maxLengths.length)]);
        int minLength = CrashRecords.MIN_LENGTH + random.nextInt(Math.max(1, maxLength / 4 - CrashRecords.MIN_LENGTH));
        // drain has no endOfBatch(): its release moment is the one inside the call
        boolean drainCalls = number % 3 == 0;
        int dice = random.nextInt(20);
        Moment moment = (dice < 8) ? Moment.AFTER_ACKS : (dice < 13) ? Moment.IN_DRAIN_BATCH : (dice < 18)
                ? (drainCalls ? Moment.IN_DRAIN_CALL_AFTER_ITS_RELEASE : Moment.IN_RELEASE) : Moment.RIGHT_AFTER_START;
        long ackTarget = switch (moment) {
            case AFTER_ACKS -> 1 + random.nextLong(20_000);
            case IN_DRAIN_BATCH, IN_RELEASE, IN_DRAIN_CALL_AFTER_ITS_RELEASE -> random.nextLong(5_000);
            case RIGHT_AFTER_START -> 0;
        };
        return new Round(number, type, capacity, producers, minLength, maxLength, drainCalls, moment, ackTarget,
                random.nextLong());
    }

    private CrashRoundResult runRound(Round round) throws Exception {
        Path ringFile = this.dir.resolve(round.type().name().toLowerCase() + "-" + round.capacity() + ".ring");
        Path ackFile = this.dir.resolve("ack-" + round.number() + ".log");
        Path releaseFile = this.dir.resolve("release-" + round.number() + ".log");
        MappedByteBuffer ackLog = CrashRecords.map(ackFile, (long) round.producers() * CrashRecords.ACK_SLOT);
        MappedByteBuffer releaseLog = CrashRecords.map(releaseFile,
                CrashRecords.releaseLogSize(round.producers() * RECORDS_PER_PRODUCER));
        try (ChildJvm child = ChildJvm.start(FileRingCrashChild.class, ringFile.toString(), round.type().name(),
                String.valueOf(round.capacity()), String.valueOf(round.producers()), ackFile.toString(),
                releaseFile.toString(), String.valueOf(round.seed()), String.valueOf(round.number()),
                String.valueOf(round.minLength()), String.valueOf(round.maxLength()),
                String.valueOf(RECORDS_PER_PRODUCER), round.drainCalls() ? "drain" : "drainTo")) {
            child.awaitLine(120, "READY");
            await().atMost(Duration.ofSeconds(120))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    assertThat(child.isAlive()).as("%s: the child died before it was killed", round).isTrue();
                    return acked(ackLog, round.producers()) >= round.ackTarget();
                });
            if (round.moment() != Moment.AFTER_ACKS && round.moment() != Moment.RIGHT_AFTER_START) {
                awaitMoment(round, child, releaseLog, ackLog);
            }
            child.kill();
        }
        CrashRoundResult result = CrashRoundCheck.check(round, ringFile, ackLog, releaseLog);
        Files.delete(ackFile);
        Files.delete(releaseFile);
        return result;
    }

    /**
     * Waits for the consumer to be inside a batch ({@code IN_DRAIN_BATCH}) or between a
     * batch's {@code endOfBatch()} and its release ({@code IN_RELEASE}). A release takes
     * microseconds, so that window is first polled for a few seconds (a kill there may
     * land inside the core's release); then, as for a batch, the child is asked to hold
     * at that moment, which no busy machine can miss, unless the child has already
     * committed every record it will ever write.
     */
    private static void awaitMoment(Round round, ChildJvm child, MappedByteBuffer releaseLog, ByteBuffer ackLog) {
        long state = (round.moment() == Moment.IN_DRAIN_BATCH) ? 1L : 2L;
        if (round.moment() == Moment.IN_RELEASE) {
            try {
                await().atMost(Duration.ofSeconds(3))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofNanos(50_000))
                    .until(() -> (long) CrashRecords.LONG.getAcquire(releaseLog, 8) == state);
                return;
            }
            catch (ConditionTimeoutException ex) {
                // not seen by polling: ask the child to hold there
            }
        }
        long hold = switch (round.moment()) {
            case IN_DRAIN_BATCH -> CrashRecords.HOLD_IN_BATCH;
            case IN_RELEASE -> CrashRecords.HOLD_AFTER_END_OF_BATCH;
            default -> CrashRecords.HOLD_AFTER_IN_CALL_RELEASE;
        };
        // Release: pairs with the child's acquire load of the request.
        CrashRecords.LONG.setRelease(releaseLog, CrashRecords.HOLD, hold);
        await().atMost(Duration.ofSeconds(120))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1))
            .until(() -> {
                assertThat(child.isAlive()).as("%s: the child died before it was killed", round).isTrue();
                // Acquire: pairs with the child's release of HOLDING.
                if ((long) CrashRecords.LONG.getAcquire(releaseLog, CrashRecords.HOLDING) == 1L) {
                    return true;
                }
                // Every producer has committed all its records: once the consumer has
                // drained them no batch opens any more, and the moment can no longer
                // come (a parent starved of the two cores by the child's threads may ask
                // that late). The kill still lands, on a drained ring.
                return acked(ackLog, round.producers()) == round.producers() * RECORDS_PER_PRODUCER;
            });
    }

    static long acked(ByteBuffer ackLog, int producers) {
        long sum = 0;
        for (int p = 0; p < producers; p++) {
            sum += (long) CrashRecords.LONG.getAcquire(ackLog, p * CrashRecords.ACK_SLOT + 8);
        }
        return sum;
    }

    /** What one round found, for the totals. */
    record CrashRoundResult(long acked, long released, long delivered, long redelivered, long unackedDelivered,
            long claimsDropped, boolean inBatch, boolean releasing, boolean releasedInCall, boolean wrapped,
            long claimedHeaders, long headerlessReservations) {

    }

    /** Totals over all rounds, printed at the end. */
    static final class CrashTally {

        private final List<Round> seen = new ArrayList<>();

        long acked;

        long released;

        long delivered;

        long redelivered;

        long unackedDelivered;

        long claimsDropped;

        long killedInBatch;

        long killedReleasing;

        long killedAfterInCallRelease;

        long wrappedContent;

        long claimedHeaders;

        long headerless;

        void add(Round round, CrashRoundResult result) {
            this.seen.add(round);
            this.acked += result.acked();
            this.released += result.released();
            this.delivered += result.delivered();
            this.redelivered += result.redelivered();
            this.unackedDelivered += result.unackedDelivered();
            this.claimsDropped += result.claimsDropped();
            this.killedInBatch += result.inBatch() ? 1 : 0;
            this.killedReleasing += result.releasing() ? 1 : 0;
            this.killedAfterInCallRelease += result.releasedInCall() ? 1 : 0;
            this.wrappedContent += result.wrapped() ? 1 : 0;
            this.claimedHeaders += result.claimedHeaders();
            this.headerless += result.headerlessReservations();
        }

        int rounds() {
            return this.seen.size();
        }

        private long count(RingBuffer.Type type) {
            return this.seen.stream().filter((r) -> r.type() == type).count();
        }

        private long drainRounds() {
            return this.seen.stream().filter(Round::drainCalls).count();
        }

        private long count(Moment moment) {
            return this.seen.stream().filter((r) -> r.moment() == moment).count();
        }

        @Override
        public String toString() {
            return rounds() + " rounds (" + count(RingBuffer.Type.SPSC) + " SPSC, " + count(RingBuffer.Type.MPSC)
                    + " MPSC; " + drainRounds() + " with drain calls; kills after acks " + count(Moment.AFTER_ACKS)
                    + ", in a drain batch " + count(Moment.IN_DRAIN_BATCH) + ", at a release "
                    + count(Moment.IN_RELEASE) + ", in a drain call after its release "
                    + count(Moment.IN_DRAIN_CALL_AFTER_ITS_RELEASE) + ", right after start "
                    + count(Moment.RIGHT_AFTER_START) + "): " + this.acked + " records acknowledged, " + this.released
                    + " released before the kills, " + this.delivered + " delivered after reopening ("
                    + this.redelivered + " of them handed over but not released at the kill), " + this.unackedDelivered
                    + " committed without their ack, " + this.claimsDropped + " open claims dropped ("
                    + this.claimedHeaders + " with a claimed header, " + this.headerless
                    + " MPSC reservations without one); kills with a batch handed over " + this.killedInBatch
                    + ", during the release " + this.killedReleasing
                    + ", in a drain call with its records on both sides of the head " + this.killedAfterInCallRelease
                    + ", with content across the wrap " + this.wrappedContent
                    + "; 0 lost, 0 duplicated, 0 corrupt, 0 uncommitted";
        }

    }

}
