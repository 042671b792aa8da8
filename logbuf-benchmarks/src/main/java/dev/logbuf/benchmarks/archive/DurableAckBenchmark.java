package dev.logbuf.benchmarks.archive;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.FlushPolicy;
import dev.logbuf.drain.DrainAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable acknowledgement with 8 concurrent producer threads: each operation commits one
 * 128-byte record to an MPSC ring drained into the archive by a {@link DrainAgent}, and
 * waits until the archive says it is forced to the device
 * ({@link ArchiveWriter#awaitDurable}). {@code mode=groupCommit}: the archive forces once
 * per drain batch when anyone waits (one force answers every waiter of the batch);
 * {@code mode=forcePerEvent}: the same path with one record per batch and a force per
 * batch ({@code batchLimit(1)}, {@link FlushPolicy#BATCH}): one force per event. Files go
 * under {@code java.io.tmpdir}: run it on the device you care about. <pre>
 * java -jar logbuf-benchmarks/target/benchmarks.jar 'archive.DurableAckBenchmark' -f 1 -wi 1 -i 3 -r 3s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(8)
@State(Scope.Benchmark)
public class DurableAckBenchmark {

    @Param({ "groupCommit", "forcePerEvent" })
    public String mode;

    private Path directory;

    private RingBuffer ring;

    private Producer producer;

    private ArchiveWriter archive;

    private DrainAgent agent;

    private final byte[] payload = new byte[128];

    @Setup(Level.Trial)
    public void start() throws IOException {
        directory = Files.createTempDirectory("logbuf-durable-bench");
        ring = RingBuffer.mpsc(1 << 20);
        producer = ring.producer();
        boolean perEvent = mode.equals("forcePerEvent");
        archive = ArchiveWriter.builder(directory.resolve("archive"))
            .flushPolicy(perEvent ? FlushPolicy.BATCH : FlushPolicy.NONE)
            .maxSegments(4)
            .open();
        agent = DrainAgent.builder(ring, ring.consumer()).sink(archive).batchLimit(perEvent ? 1 : 256).build();
        agent.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        agent.stop(Duration.ofSeconds(30));
        ring.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    /** One event: commit, then wait until it is on the device. */
    @Benchmark
    public boolean durableEvent() throws InterruptedException {
        WriteClaim claim;
        while ((claim = producer.tryClaim(payload.length)) == null) {
            Thread.onSpinWait();
        }
        claim.putBytes(0, payload, 0, payload.length);
        long position = claim.position();
        claim.commit();
        return archive.awaitDurable(position, Duration.ofSeconds(10));
    }

}
