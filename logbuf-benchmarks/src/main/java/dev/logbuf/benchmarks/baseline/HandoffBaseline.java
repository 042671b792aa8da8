package dev.logbuf.benchmarks.baseline;

import dev.logbuf.benchmarks.DrainCounters;
import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two-thread physical limit: what any ring at best achieves moving the same payloads
 * from one core to another. A producer thread copies each payload
 * ({@code System.arraycopy}) into a shared {@link Workload#RING_CAPACITY}-byte array, a
 * consumer thread reads every byte of it as little-endian longs ({@link PayloadDigest}),
 * exactly the consumer work of the rings. Nothing else: no header, no framing decisions
 * (every record has the benchmark's length and a fixed slot of
 * {@link Workload#framedLength(int)} bytes, so both sides know where each one is), no
 * zeroing, no per-record synchronisation. Each side publishes its count of records with
 * one release store per batch of up to {@link Workload#DRAIN_BATCH} records and at most a
 * quarter of the array, and reads the other's with one acquire load (re-read only when
 * its cached value says the array is full or empty).
 *
 * <p>
 * The quarter is what makes it a limit: with batches as large as the array (248 records
 * of 256 bytes fill it) the producer filled the whole array, then the consumer read it,
 * one after the other, and the rings, which hand over every record as it is committed,
 * measured up to twice this "limit". On a quiet machine (30 November 2026, JDK 17, one
 * fork of 3 iterations per divisor) a batch of at most 1/1, 1/2, 1/4, 1/8 and 1/16 of the
 * slots moved 14.6, 25.1, 26.4, 24.4 and 24.5 GB/s at 256 bytes and 17.5, 30.9, 31.0,
 * 32.5 and 30.2 GB/s at 2048 bytes: from a half down, within the noise of one another.
 *
 * <p>
 * Same rules as the rings otherwise: {@link Idler} when full or empty, the consumer's
 * {@code records}/{@code bytes} rates are the score.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandoffBaseline {

    /** The shared array and the two record counts, each on its own cache lines. */
    @State(Scope.Group)
    public static class Handoff {

        static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

        /** Index of the producer's count (records written) in {@link #counts}. */
        static final int WRITTEN = 16;

        /** Index of the consumer's count (records read): 128 bytes further. */
        static final int READ = 32;

        final byte[] memory = new byte[Workload.RING_CAPACITY];

        /** The two counts, 128 bytes apart and 128 bytes from either end. */
        final long[] counts = new long[48];

        int slots;

        int framedLength;

        int recordLength;

        /**
         * The most records one side moves before it publishes its count: at most
         * {@link Workload#DRAIN_BATCH} and at most a quarter of the slots, so that the
         * two threads work on different parts of the array at the same time.
         */
        int batch;

        /**
         * The producer's own state, {@code [MINE]} records written and {@code [CACHE]}
         * the consumer's count last read, and the consumer's, {@code [MINE]} records
         * read, {@code [CACHE]} the producer's count last read and {@code [DIGEST]}: each
         * in an array of its own, 128 bytes from either end, so the two threads never
         * write the same cache line except through the counts.
         */
        final long[] producer = new long[40];

        final long[] consumer = new long[40];

        static final int MINE = 16;

        static final int CACHE = 17;

        static final int DIGEST = 18;

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            recordLength = shape.recordLength;
            framedLength = Workload.framedLength(recordLength);
            slots = Workload.RING_CAPACITY / framedLength;
            batch = Math.max(1, Math.min(Workload.DRAIN_BATCH, slots / 4));
        }

        int produce(byte[] payload) {
            long[] mine = this.producer;
            long written = mine[MINE];
            long free = mine[CACHE] + this.slots - written;
            if (free == 0) {
                // Acquire: pairs with the consumer's release of its count, so the
                // slots it has read are free to overwrite.
                mine[CACHE] = (long) LONGS.getAcquire(this.counts, READ);
                free = mine[CACHE] + this.slots - written;
                if (free == 0) {
                    return 0;
                }
            }
            int batch = (int) Math.min(free, this.batch);
            int slot = (int) (written % this.slots);
            for (int i = 0; i < batch; i++) {
                System.arraycopy(payload, 0, this.memory, slot * this.framedLength + Workload.RECORD_HEADER_LENGTH,
                        this.recordLength);
                if (++slot == this.slots) {
                    slot = 0;
                }
            }
            mine[MINE] = written + batch;
            // Release: the copies above happen-before a consumer that acquires this
            // count.
            LONGS.setRelease(this.counts, WRITTEN, written + batch);
            return batch;
        }

        int consume() {
            long[] mine = this.consumer;
            long read = mine[MINE];
            long available = mine[CACHE] - read;
            if (available == 0) {
                // Acquire: pairs with the producer's release of its count.
                mine[CACHE] = (long) LONGS.getAcquire(this.counts, WRITTEN);
                available = mine[CACHE] - read;
                if (available == 0) {
                    return 0;
                }
            }
            int batch = (int) Math.min(available, this.batch);
            int slot = (int) (read % this.slots);
            long sum = mine[DIGEST];
            for (int i = 0; i < batch; i++) {
                sum += PayloadDigest.of(this.memory, slot * this.framedLength + Workload.RECORD_HEADER_LENGTH,
                        this.recordLength);
                if (++slot == this.slots) {
                    slot = 0;
                }
            }
            mine[DIGEST] = sum;
            mine[MINE] = read + batch;
            // Release: our reads of those slots complete before the producer that
            // acquires this count overwrites them.
            LONGS.setRelease(this.counts, READ, read + batch);
            return batch;
        }

    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void produce(Handoff handoff, ProducerPayload payload, Idler idler) {
        if (handoff.produce(payload.bytes) > 0) {
            idler.hit();
        }
        else {
            idler.miss();
        }
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void consume(Handoff handoff, RecordShape shape, DrainCounters counters, Idler idler, Blackhole blackhole) {
        int count = handoff.consume();
        if (count == 0) {
            idler.miss();
            return;
        }
        idler.hit();
        counters.add(count, shape.recordLength);
        blackhole.consume(handoff.consumer[Handoff.DIGEST]);
    }

}
