package dev.logbuf.benchmarks.throughput;

import dev.logbuf.benchmarks.DrainCounters;
import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.contenders.DisruptorRings;
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
 * Throughput of the LMAX Disruptor 4.0 as a ring of pre-allocated {@code byte[]} events,
 * {@code ProducerType.SINGLE} and {@code MULTI} ({@link DisruptorRings}). Producers write
 * as fast as the ring takes records ({@link Idler} when it is full); one consumer drains
 * in batches. Read the {@code records} and {@code bytes} rates.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DisruptorThroughput {

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscProduce(DisruptorRings.Spsc ring, ProducerPayload payload, Idler idler) {
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
    public void spscDrain(DisruptorRings.Spsc ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

    @Benchmark
    @Group("mpsc1")
    @GroupThreads(1)
    public void mpsc1Produce(DisruptorRings.Mpsc ring, ProducerPayload payload, Idler idler) {
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
    public void mpsc1Drain(DisruptorRings.Mpsc ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

    @Benchmark
    @Group("mpsc2")
    @GroupThreads(2)
    public void mpsc2Produce(DisruptorRings.Mpsc ring, ProducerPayload payload, Idler idler) {
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
    public void mpsc2Drain(DisruptorRings.Mpsc ring, RecordShape shape, DrainCounters counters, Idler idler,
            Blackhole blackhole) {
        counters.drained(ring.drain(), shape, ring.digest(), idler, blackhole);
    }

}
