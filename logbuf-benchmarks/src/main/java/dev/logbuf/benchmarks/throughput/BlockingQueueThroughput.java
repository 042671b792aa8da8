package dev.logbuf.benchmarks.throughput;

import dev.logbuf.benchmarks.DrainCounters;
import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.contenders.BlockingQueues;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@code ArrayBlockingQueue<byte[]>} ({@link BlockingQueues}), the same
 * queue for SPSC and MPSC. Producers write as fast as the ring takes records
 * ({@link Idler} when it is full); one consumer drains in batches. Read the
 * {@code records} and {@code bytes} rates.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockingQueueThroughput {

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscProduce(BlockingQueues.Queue ring, ProducerPayload payload, Idler idler) {
        if (ring.write(payload)) {
            idler.hit();
        }
        else {
            idler.miss();
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscDrain(BlockingQueues.Queue ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

    @Benchmark
    @Group("mpsc1")
    @GroupThreads(1)
    public void mpsc1Produce(BlockingQueues.Queue ring, ProducerPayload payload, Idler idler) {
        if (ring.write(payload)) {
            idler.hit();
        }
        else {
            idler.miss();
        }
    }

    @Benchmark
    @Group("mpsc1")
    @GroupThreads(1)
    public void mpsc1Drain(BlockingQueues.Queue ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

    @Benchmark
    @Group("mpsc2")
    @GroupThreads(2)
    public void mpsc2Produce(BlockingQueues.Queue ring, ProducerPayload payload, Idler idler) {
        if (ring.write(payload)) {
            idler.hit();
        }
        else {
            idler.miss();
        }
    }

    @Benchmark
    @Group("mpsc2")
    @GroupThreads(1)
    public void mpsc2Drain(BlockingQueues.Queue ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

}
