package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many threads, millions of records of random sizes (1..maxRecordLength, skewed small)
 * and 10% aborted claims through a 4 KiB ring; the consumer, alternating {@code drain}
 * and {@code tryRead}, checks per-producer order, no loss, no duplicate and no corruption
 * of every byte (see {@link StressRecord}), while a monitoring thread polls
 * {@code blockedClaim()} and checks each report.
 *
 * <p>
 * {@code -Dlogbuf.stress.records=N} sets the records per producer (default 1,000,000).
 * The timeout is a hang guard only, far above the expected time.
 */
@Tag("stress")
class RingStressTest {

    private static final int RECORDS_PER_PRODUCER = Integer.getInteger("logbuf.stress.records", 1_000_000);

    private static final Duration HANG_GUARD = Duration.ofMinutes(5);

    private static final int CAPACITY = 4096;

    @Test
    void mpscFourProducersDeliverEveryRecordOnceInOrderUncorrupted() {
        assertTimeoutPreemptively(HANG_GUARD, () -> run(RingBuffer.mpsc(CAPACITY), 4));
    }

    @Test
    void spscOneProducerDeliversEveryRecordOnceInOrderUncorrupted() {
        assertTimeoutPreemptively(HANG_GUARD, () -> run(RingBuffer.spsc(CAPACITY), 1));
    }

    private static void run(RingBuffer ring, int producers) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Producer producer = ring.producer();
        int maxLength = ring.maxRecordLength();
        List<Thread> threads = new ArrayList<>();
        Verifier verifier = new Verifier(producers, maxLength);
        try {
            for (int id = 0; id < producers; id++) {
                int producerId = id;
                threads.add(start("producer-" + id, failure, () -> produce(producer, producerId, maxLength, failure)));
            }
            Consumer consumer = ring.consumer();
            Thread consumerThread = start("consumer", failure, () -> consume(consumer, verifier, failure));
            threads.add(consumerThread);
            AtomicBoolean consumed = new AtomicBoolean();
            Thread monitor = start("monitor", failure, () -> monitor(ring, consumed, failure));
            threads.add(monitor);
            consumerThread.join();
            consumed.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        finally {
            // Interrupted by the hang guard: make every worker still running give up.
            for (Thread thread : threads) {
                if (thread.isAlive()) {
                    failure.compareAndSet(null, new IllegalStateException("stress run stopped before it finished"));
                }
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("stress run failed", failure.get());
        }
        for (int id = 0; id < producers; id++) {
            assertThat(verifier.next[id]).as("records received from producer %d", id).isEqualTo(RECORDS_PER_PRODUCER);
        }
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    private static Thread start(String name, AtomicReference<Throwable> failure, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            }
            catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Spins briefly, then yields: 2 cores are shared by up to 5 threads here. */
    private static void idle(int attempt) {
        if (attempt < 64) {
            Thread.onSpinWait();
        }
        else {
            LockSupport.parkNanos(20_000); // a health check polls now and then, not in a
                                           // hot loop
        }
    }

    private static boolean givenUp(AtomicReference<Throwable> failure) {
        return failure.get() != null || Thread.currentThread().isInterrupted();
    }

    /**
     * Polls {@code blockedClaim()} and both positions the whole time, as a health check
     * would (pausing briefly between polls), checking every report is consistent:
     * "calling it never changes what the consumer reads" is checked by the consumer's
     * verification running alongside.
     */
    private static void monitor(RingBuffer ring, AtomicBoolean consumed, AtomicReference<Throwable> failure) {
        while (!consumed.get() && !givenUp(failure)) {
            long consumerBefore = ring.consumerPosition();
            Optional<BlockedClaim> blocked = ring.blockedClaim();
            long producerAfter = ring.producerPosition();
            if (blocked.isPresent()) {
                BlockedClaim claim = blocked.get();
                if (claim.position() % 8 != 0 || claim.position() < consumerBefore || claim.position() >= producerAfter
                        || claim.blockedForNanos() < 0
                        || claim.claimantThreadName() != null && !claim.claimantThreadName().startsWith("producer-")) {
                    throw new AssertionError(claim + " inconsistent with consumer position " + consumerBefore
                            + " (before) and producer position " + producerAfter + " (after)");
                }
            }
            LockSupport.parkNanos(20_000); // a health check polls now and then, not in a
                                           // hot loop
        }
    }

    private static void produce(Producer producer, int id, int maxLength, AtomicReference<Throwable> failure) {
        SplittableRandom random = new SplittableRandom(id * 7919L + 1);
        StressRecord record = new StressRecord(maxLength);
        for (long sequence = 0; sequence < RECORDS_PER_PRODUCER; sequence++) {
            if (random.nextInt(10) == 0) {
                int length = 1 + random.nextInt(maxLength);
                WriteClaim doomed = claim(producer, length, failure);
                if (doomed == null) {
                    return;
                }
                doomed.putByte(0, (byte) 0xEE).putByte(length - 1, (byte) 0xEE);
                if (random.nextBoolean()) {
                    doomed.abort();
                }
                else {
                    doomed.close();
                }
            }
            int length = record.encode(id, sequence);
            WriteClaim claim = claim(producer, length, failure);
            if (claim == null) {
                return;
            }
            claim.putBytes(0, record.bytes, 0, length).commit();
        }
    }

    private static WriteClaim claim(Producer producer, int length, AtomicReference<Throwable> failure) {
        for (int attempt = 0;; attempt++) {
            WriteClaim claim = producer.tryClaim(length);
            if (claim != null) {
                return claim;
            }
            if (givenUp(failure)) {
                return null;
            }
            idle(attempt);
        }
    }

    private static void consume(Consumer consumer, Verifier verifier, AtomicReference<Throwable> failure) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] scratch = new byte[verifier.maxLength];
        RecordHandler handler = (buffer, offset, length) -> {
            buffer.get(offset, scratch, 0, length);
            verifier.verify(scratch, length);
        };
        int idle = 0;
        for (long round = 0; !verifier.done(); round++) {
            int got;
            if (round % 2 == 0) {
                got = consumer.drain(handler, 1 + random.nextInt(32));
            }
            else {
                ReadClaim read = consumer.tryRead();
                got = read == null ? 0 : 1;
                if (read != null) {
                    try (read) {
                        int length = read.length();
                        read.getBytes(0, scratch, 0, length);
                        verifier.verify(scratch, length);
                    }
                }
            }
            if (got > 0) {
                idle = 0;
            }
            else {
                if (givenUp(failure)) {
                    return;
                }
                idle(idle++);
            }
        }
    }

    /** The consumer's bookkeeping: next expected sequence per producer. */
    private static final class Verifier {

        final long[] next;

        final int maxLength;

        final StressRecord expected;

        int finished;

        Verifier(int producers, int maxLength) {
            this.next = new long[producers];
            this.maxLength = maxLength;
            this.expected = new StressRecord(maxLength);
        }

        boolean done() {
            return finished == next.length;
        }

        void verify(byte[] bytes, int length) {
            int producer = StressRecord.producerOf(bytes, length);
            if (producer < 0 || producer >= next.length) {
                throw new AssertionError("record of " + length + " bytes names producer " + producer);
            }
            long sequence = next[producer];
            if (sequence >= RECORDS_PER_PRODUCER) {
                throw new AssertionError("producer " + producer + " delivered more than " + RECORDS_PER_PRODUCER);
            }
            int expectedLength = expected.lengthOf(producer, sequence);
            boolean intact;
            if (length < StressRecord.FULL_LAYOUT) {
                // Too short for a checksum: compare every byte with the recomputed
                // record.
                intact = length == expectedLength && expected.encode(producer, sequence) == length
                        && java.util.Arrays.equals(bytes, 0, length, expected.bytes, 0, length);
            }
            else {
                intact = length == expectedLength && StressRecord.sequenceOf(bytes) == sequence;
            }
            if (!intact) {
                throw new AssertionError("producer " + producer + ": expected record " + sequence + " of "
                        + expectedLength + " bytes, got " + StressRecord.describe(bytes, length)
                        + " (lost, duplicated, reordered or corrupted)");
            }
            if (!StressRecord.checksumHolds(bytes, length)) {
                throw new AssertionError("CRC32C mismatch in record " + sequence + " of producer " + producer);
            }
            next[producer] = sequence + 1;
            if (sequence + 1 == RECORDS_PER_PRODUCER) {
                finished++;
            }
        }

    }

    /**
     * One stress record. Its length is a function of (producer, sequence), skewed small:
     * half up to 64 bytes, half up to maxRecordLength with a cubic skew. Layout from 13
     * bytes on: producer id (1), sequence (8, LE), filler, CRC32C of everything before it
     * (4, LE). Shorter records cannot hold all that: their first byte is
     * {@code producer | (sequence & 63) << 2} and the rest are bytes of a hash of
     * (producer, sequence), which the consumer recomputes. The consumer checks id,
     * sequence and length of every record, and the CRC32C (long ones) or every byte
     * (short ones).
     */
    static final class StressRecord {

        static final int FULL_LAYOUT = 13;

        final byte[] bytes;

        private final int maxLength;

        StressRecord(int maxLength) {
            this.bytes = new byte[maxLength];
            this.maxLength = maxLength;
        }

        static long mix(long z) {
            z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
            z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
            return z ^ (z >>> 33);
        }

        int lengthOf(int producer, long sequence) {
            long h = mix(producer * 0x9E3779B97F4A7C15L + sequence);
            double u = (h >>> 11) * 0x1.0p-53;
            if ((h & 1) == 0) {
                return 1 + (int) (u * 64);
            }
            return 1 + (int) (u * u * u * (maxLength - 1));
        }

        /**
         * Writes record {@code sequence} of {@code producer} into {@link #bytes}; returns
         * its length.
         */
        int encode(int producer, long sequence) {
            int length = lengthOf(producer, sequence);
            if (length < FULL_LAYOUT) {
                bytes[0] = (byte) (producer | (sequence & 63) << 2);
                long h = mix(sequence * 31 + producer);
                for (int i = 1; i < length; i++) {
                    bytes[i] = (byte) (h >>> (8 * (i % 8)) ^ i);
                }
                return length;
            }
            bytes[0] = (byte) producer;
            for (int i = 0; i < 8; i++) {
                bytes[1 + i] = (byte) (sequence >>> (8 * i));
            }
            long h = mix(sequence ^ producer);
            for (int i = 9; i < length - 4; i++) {
                bytes[i] = (byte) (h >>> (8 * (i % 8)) ^ i);
            }
            int crc = crc(bytes, length - 4);
            for (int i = 0; i < 4; i++) {
                bytes[length - 4 + i] = (byte) (crc >>> (8 * i));
            }
            return length;
        }

        static int crc(byte[] bytes, int length) {
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, length);
            return (int) crc.getValue();
        }

        static int producerOf(byte[] bytes, int length) {
            return length < FULL_LAYOUT ? bytes[0] & 3 : bytes[0];
        }

        static boolean checksumHolds(byte[] bytes, int length) {
            if (length < FULL_LAYOUT) {
                return true; // every byte was compared with the recomputed record
            }
            int stored = (bytes[length - 4] & 0xFF) | (bytes[length - 3] & 0xFF) << 8 | (bytes[length - 2] & 0xFF) << 16
                    | (bytes[length - 1] & 0xFF) << 24;
            return stored == crc(bytes, length - 4);
        }

        static long sequenceOf(byte[] bytes) {
            long sequence = 0;
            for (int i = 7; i >= 0; i--) {
                sequence = sequence << 8 | (bytes[1 + i] & 0xFF);
            }
            return sequence;
        }

        static String describe(byte[] bytes, int length) {
            if (length < FULL_LAYOUT) {
                return "a short record (" + length + " bytes) with sequence bits " + ((bytes[0] >>> 2) & 63);
            }
            return "record " + sequenceOf(bytes) + " of " + length + " bytes";
        }

    }

}
