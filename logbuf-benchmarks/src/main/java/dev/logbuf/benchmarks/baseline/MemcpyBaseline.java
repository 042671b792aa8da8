package dev.logbuf.benchmarks.baseline;

import dev.logbuf.benchmarks.DrainCounters;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's limit for moving the same bytes: one thread copies each record's payload
 * ({@code System.arraycopy}) into a {@link Workload#RING_CAPACITY}-byte array at the next
 * framed position, wrapping like a ring, with no header, no consumer and no
 * synchronisation. Reported as {@code records} and {@code bytes} rates, like the rings,
 * so that a ring's bytes/s reads as a fraction of it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemcpyBaseline {

    @State(Scope.Thread)
    public static class Destination {

        final byte[] memory = new byte[Workload.RING_CAPACITY];

        int position;

        int framedLength;

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            framedLength = Workload.framedLength(shape.recordLength);
            position = 0;
        }

    }

    @Benchmark
    public void copy(Destination destination, ProducerPayload payload, DrainCounters counters) {
        byte[] bytes = payload.bytes;
        int position = destination.position;
        if (position + destination.framedLength > Workload.RING_CAPACITY) {
            position = 0;
        }
        System.arraycopy(bytes, 0, destination.memory, position + Workload.RECORD_HEADER_LENGTH, bytes.length);
        destination.position = position + destination.framedLength;
        counters.add(1, bytes.length);
    }

}
