package dev.logbuf.benchmarks.latency;

import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.ProducerPayload;
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
import org.openjdk.jmh.infra.Control;

/**
 * Producer latency of a Disruptor {@code tryPublishEvent} copying the payload into a
 * pre-allocated event ({@link DisruptorRings}): one sampled call is one record written,
 * retried (after {@link Idler#miss()}) in the rare case the paced producer finds the ring
 * full.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DisruptorWriteLatency {

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscWrite(DisruptorRings.Spsc ring, ProducerPayload payload, ProducerPacing pacing, Idler idler,
            Control control) {
        while (!ring.write(payload)) {
            if (control.stopMeasurement) {
                return;
            }
            idler.miss();
        }
        idler.hit();
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscDrain(DisruptorRings.Spsc ring, Idler idler, Blackhole blackhole) {
        if (ring.drain() == 0) {
            idler.miss();
        }
        else {
            idler.hit();
            blackhole.consume(ring.digest());
        }
    }

    @Benchmark
    @Group("mpsc2")
    @GroupThreads(2)
    public void mpsc2Write(DisruptorRings.Mpsc ring, ProducerPayload payload, ProducerPacing pacing, Idler idler,
            Control control) {
        while (!ring.write(payload)) {
            if (control.stopMeasurement) {
                return;
            }
            idler.miss();
        }
        idler.hit();
    }

    @Benchmark
    @Group("mpsc2")
    @GroupThreads(1)
    public void mpsc2Drain(DisruptorRings.Mpsc ring, Idler idler, Blackhole blackhole) {
        if (ring.drain() == 0) {
            idler.miss();
        }
        else {
            idler.hit();
            blackhole.consume(ring.digest());
        }
    }

}
