package dev.logbuf.benchmarks.path;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.Workload;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The code path of one record with nothing crossing cores: one thread claims, copies the
 * payload in and commits, and drains a batch (reading every byte, like the throughput
 * consumers) whenever the ring is full, so a call costs one record's claim, copy and
 * commit plus its share of a drain (header read, handler call, zeroing, release). No
 * other thread, so no cache line moves between cores: what is left is instructions and
 * the core's own cache, which makes this the steadier measure of a change to the claim,
 * commit or drain path on a busy machine ({@code ab.sh} with {@code AB_METRIC=primary}).
 * It says nothing about the cross-core costs the throughput groups measure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class OneThreadPath {

    @Param({ "SPSC", "MPSC" })
    public RingBuffer.Type type;

    @Param({ "64", "2048" })
    public int recordLength;

    private Producer producer;

    private Consumer consumer;

    private byte[] payload;

    private final Digest handler = new Digest();

    static final class Digest implements RecordHandler {

        long digest;

        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length) {
            this.digest += PayloadDigest.of(buffer, offset, length);
        }

    }

    @Setup(Level.Trial)
    public void open() {
        RingBuffer ring = RingBuffer.builder(this.type).capacity(Workload.RING_CAPACITY).build();
        this.producer = ring.producer();
        this.consumer = ring.consumer();
        this.payload = new byte[this.recordLength];
        new SplittableRandom(this.recordLength).nextBytes(this.payload);
    }

    /** One record through claim/putBytes/commit, and its share of the drain. */
    @Benchmark
    public long claimCommit() {
        byte[] bytes = this.payload;
        WriteClaim claim = this.producer.tryClaim(bytes.length);
        if (claim == null) {
            this.consumer.drain(this.handler, Workload.DRAIN_BATCH);
            claim = this.producer.tryClaim(bytes.length);
        }
        claim.putBytes(0, bytes, 0, bytes.length);
        claim.commit();
        return this.handler.digest;
    }

    /** One record through offer(byte[]), and its share of the drain. */
    @Benchmark
    public long offer() {
        byte[] bytes = this.payload;
        if (!this.producer.offer(bytes)) {
            this.consumer.drain(this.handler, Workload.DRAIN_BATCH);
            this.producer.offer(bytes);
        }
        return this.handler.digest;
    }

}
