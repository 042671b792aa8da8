package dev.logbuf.benchmarks.filering;

import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.latency.ProducerPacing;
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
 * Producer latency of a file-backed ring against the same ring in a direct buffer
 * ({@link FileRings}): one sampled call is one record written (claim, copy, commit),
 * paced ({@link ProducerPacing}) so that the consumer keeps up. Read the {@code write}
 * sub-result's p50, p99 and p99.9 for each {@code kind}, side by side in one run with
 * {@link FileRingThroughput}: {@code java -jar benchmarks.jar 'filering'}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FileRingWriteLatency {

    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public void write(FileRings ring, ProducerPacing pacing, Idler idler, Control control) {
        while (!ring.write()) {
            if (control.stopMeasurement) {
                return;
            }
            idler.miss();
        }
        idler.hit();
    }

    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public void drain(FileRings ring, Idler idler, Blackhole blackhole) {
        if (ring.drain() == 0) {
            idler.miss();
        }
        else {
            idler.hit();
            blackhole.consume(ring.digest());
        }
    }

}
