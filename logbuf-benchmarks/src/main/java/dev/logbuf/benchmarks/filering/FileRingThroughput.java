package dev.logbuf.benchmarks.filering;

import dev.logbuf.benchmarks.DrainCounters;
import dev.logbuf.benchmarks.Idler;
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
 * Throughput of a file-backed ring against the same ring in a direct buffer
 * ({@link FileRings}, {@code kind} = {@code direct} or {@code file}), one producer and
 * one consumer: read the consumer's {@code records} and {@code bytes} rates
 * ({@link DrainCounters}), as in the {@code throughput} package.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FileRingThroughput {

    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public void write(FileRings ring, Idler idler) {
        if (ring.write()) {
            idler.hit();
        }
        else {
            idler.miss();
        }
    }

    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public void drain(FileRings ring, DrainCounters counters, Idler idler, Blackhole blackhole) {
        int count = ring.drain();
        if (count == 0) {
            idler.miss();
            return;
        }
        idler.hit();
        counters.add(count, ring.recordLength);
        blackhole.consume(ring.digest());
    }

}
