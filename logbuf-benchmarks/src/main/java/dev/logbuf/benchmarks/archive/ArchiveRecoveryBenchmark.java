package dev.logbuf.benchmarks.archive;

import dev.logbuf.archive.ArchiveReader;
import dev.logbuf.archive.ArchiveRecord;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.FlushPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 11's crafted recovery case: a segment of {@code megabytes} MiB, 64 KiB records
 * then one 2 MiB record, with one byte flipped in the chunk header just before the large
 * record. {@code verify} reads every record of the damaged archive (what
 * {@code ArchiveTool verify} does); {@code reopen} opens a writer on it (the recovery
 * scan of the last segment an application does at start). Linear recovery shows as a time
 * per operation that doubles, not quadruples, from 16 to 32 MiB. <pre>
 * java -jar logbuf-benchmarks/target/benchmarks.jar 'archive.ArchiveRecoveryBenchmark' -f 1 -wi 2 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = "-Xmx1g")
@State(Scope.Benchmark)
public class ArchiveRecoveryBenchmark {

    @Param({ "16", "32" })
    public int megabytes;

    private Path directory;

    @Setup(Level.Trial)
    public void craft() throws IOException {
        directory = Files.createTempDirectory("logbuf-recovery-bench");
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'f');
        byte[] large = new byte[2 << 20];
        Arrays.fill(large, (byte) 'L');
        int fillers = (megabytes - 2) * 16;
        try (ArchiveWriter writer = ArchiveWriter.builder(directory).flushPolicy(FlushPolicy.NONE).open()) {
            for (int i = 0; i < fillers; i++) {
                writer.onRecord(ByteBuffer.wrap(filler), 0, filler.length, -1);
            }
            writer.onRecord(ByteBuffer.wrap(large), 0, large.length, -1);
            writer.endOfBatch();
        }
        Path segment = segment();
        byte[] bytes = Files.readAllBytes(segment);
        // the large record's first chunk follows the last filler's last chunk: find the
        // FIRST chunk (type 2) of 2 MiB and damage the chunk header before it
        int damaged = -1;
        ByteBuffer file = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int at = 88; at < bytes.length - 32;) {
            int room = 32768 - at % 32768;
            if (room < 32 || file.getInt(at) == 0) {
                at += room;
                continue;
            }
            int length = file.getShort(at + 8) & 0xFFFF;
            if (file.get(at + 10) == 2 && file.getInt(at + 12) == large.length) {
                break;
            }
            damaged = at;
            at += 32 + length;
        }
        bytes[damaged + 9] ^= 0x01;
        Files.write(segment, bytes);
        Files.deleteIfExists(directory.resolve("archive.head"));
    }

    private Path segment() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
            return segments.get(0);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    /** Reads and checks every record of the damaged archive. */
    @Benchmark
    public long verify() {
        long bytes = 0;
        ArchiveReader reader = ArchiveReader.open(directory);
        for (ArchiveRecord record : reader) {
            bytes += record.length();
        }
        return bytes + reader.problems().size();
    }

    /** Opens a writer on the damaged archive: the recovery scan of its last segment. */
    @Benchmark
    public long reopen() {
        try (ArchiveWriter writer = ArchiveWriter.builder(directory).flushPolicy(FlushPolicy.NONE).open()) {
            return writer.nextSequence();
        }
    }

}
