package dev.logbuf.benchmarks.archive;

import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.FlushPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Archive throughput per {@link FlushPolicy}, next to a plain {@link FileChannel#write}
 * of the same payload bytes (one write per batch, without and with a force per batch),
 * and the hash chain's share of it ({@code chainHash}: SHA-256 over the same chunk bytes,
 * which the archive computes on every batch). One operation is one drain batch of
 * {@code batchRecords} records of {@code recordLength} bytes: {@code onRecord} for each,
 * then {@code endOfBatch()}. Read the {@code payloadBytes} rate (bytes/s; divide by 10^6
 * for MB/s); it counts payload only, so the archive's 32-byte chunk headers and per-batch
 * anchor are overhead it pays and the baselines do not.
 *
 * <p>
 * Disk use stays bounded: the archive keeps 4 segments of 64 MiB, the baselines rewind
 * their file every 64 MiB. {@code INTERVAL} forces every 100 ms. Files go under
 * {@code java.io.tmpdir}. <pre>
 * java -jar logbuf-benchmarks/target/benchmarks.jar 'archive.ArchiveBenchmark' -wi 1 -i 3 -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class ArchiveBenchmark {

    private static final long SEGMENT_SIZE = 64L << 20;

    private static final Duration INTERVAL = Duration.ofMillis(100);

    /** Bytes of payload written per second, reported next to the batch rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {

        public long payloadBytes;

    }

    /**
     * One record as a ring hands it to a handler (read-only, little-endian), and the
     * batch shape.
     */
    @State(Scope.Thread)
    public static class Batch {

        @Param({ "256" })
        public int recordLength;

        @Param({ "64" })
        public int batchRecords;

        ByteBuffer record;

        Path directory;

        @Setup(Level.Trial)
        public void create() throws IOException {
            ByteBuffer ring = ByteBuffer.allocateDirect(recordLength).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < recordLength; i++) {
                ring.put(i, (byte) ('a' + i % 26));
            }
            record = ring.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            directory = Files.createTempDirectory("logbuf-archive-bench");
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            }
        }

        long bytes() {
            return (long) recordLength * batchRecords;
        }

    }

    /** An archive writer with the flush policy of this trial. */
    @State(Scope.Thread)
    public static class Archive {

        @Param({ "NONE", "BATCH", "INTERVAL" })
        public String flushPolicy;

        ArchiveWriter writer;

        long position;

        @Setup(Level.Trial)
        public void open(Batch batch) {
            writer = ArchiveWriter.builder(batch.directory.resolve("archive"))
                .flushPolicy(FlushPolicy.valueOf(flushPolicy))
                .flushInterval(INTERVAL)
                .segmentSize(SEGMENT_SIZE)
                .maxSegments(4)
                .open();
            writer.onStart(1);
        }

        @TearDown(Level.Trial)
        public void close() {
            writer.close();
        }

    }

    /** A plain file written with one {@link FileChannel#write} per batch. */
    @State(Scope.Thread)
    public static class PlainFile {

        FileChannel channel;

        ByteBuffer batchBuffer;

        @Setup(Level.Trial)
        public void open(Batch batch) throws IOException {
            channel = FileChannel.open(batch.directory.resolve("plain.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            batchBuffer = ByteBuffer.allocateDirect(batch.recordLength * batch.batchRecords);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }

        void write(Batch batch) throws IOException {
            for (int i = 0; i < batch.batchRecords; i++) {
                batchBuffer.put(batch.record.duplicate().position(0).limit(batch.recordLength));
            }
            batchBuffer.flip();
            while (batchBuffer.hasRemaining()) {
                channel.write(batchBuffer);
            }
            batchBuffer.clear();
            if (channel.position() >= SEGMENT_SIZE) {
                channel.truncate(0);
                channel.position(0);
            }
        }

    }

    /** One drain batch through the archive with the policy of this trial. */
    @Benchmark
    public void archive(Archive archive, Batch batch, Counters counters) {
        for (int i = 0; i < batch.batchRecords; i++) {
            archive.writer.onRecord(batch.record, 0, batch.recordLength, archive.position);
            archive.position += batch.recordLength + 8;
        }
        archive.writer.endOfBatch();
        counters.payloadBytes += batch.bytes();
    }

    /**
     * SHA-256 state over the chunk bytes of one batch, as the archive's chain takes it.
     */
    @State(Scope.Thread)
    public static class Chain {

        final MessageDigest digest;

        ByteBuffer chunks;

        public Chain() {
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            }
            catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Setup(Level.Trial)
        public void create(Batch batch) {
            chunks = ByteBuffer.allocateDirect(batch.batchRecords * (batch.recordLength + 32));
        }

    }

    /**
     * The chain's cost alone: SHA-256 over one batch's chunk bytes (records and their
     * 32-byte headers) from a direct buffer, and one digest per batch (the anchor):
     * compare with {@code archive} at NONE.
     */
    @Benchmark
    public byte[] chainHash(Chain chain, Batch batch, Counters counters) {
        chain.digest.update(chain.chunks.duplicate());
        counters.payloadBytes += batch.bytes();
        return chain.digest.digest();
    }

    /**
     * The same payload bytes with one plain write per batch, never forced (compare with
     * NONE).
     */
    @Benchmark
    public void plainWrite(PlainFile file, Batch batch, Counters counters) throws IOException {
        file.write(batch);
        counters.payloadBytes += batch.bytes();
    }

    /**
     * The same payload bytes with one plain write and one force per batch (compare with
     * BATCH).
     */
    @Benchmark
    public void plainWriteForce(PlainFile file, Batch batch, Counters counters) throws IOException {
        file.write(batch);
        file.channel.force(false);
        counters.payloadBytes += batch.bytes();
    }

}
