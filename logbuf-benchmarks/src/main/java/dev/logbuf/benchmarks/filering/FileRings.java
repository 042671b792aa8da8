package dev.logbuf.benchmarks.filering;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@link Workload#RING_CAPACITY}-byte ring of the benchmark's {@code type}, either in a
 * direct buffer ({@code kind = direct}: {@link RingBuffer#mpsc(int)}) or in a
 * memory-mapped file in a fresh temporary directory ({@code kind = file}:
 * {@link RingBuffer#mpsc(java.nio.file.Path, int)}), with the same producer path
 * ({@code tryClaim/putBytes/commit}) and consumer ({@code drain}) for both. Set
 * {@code -Djava.io.tmpdir} to put the file on another file system (the default is usually
 * a disk-backed {@code /tmp}: the page cache absorbs the writes either way, nothing is
 * forced).
 */
@State(Scope.Group)
public class FileRings {

    @Param({ "direct", "file" })
    public String kind;

    @Param({ "SPSC", "MPSC" })
    public RingBuffer.Type type;

    @Param({ "64" })
    public int recordLength;

    Producer producer;

    Consumer consumer;

    byte[] payload;

    private RingBuffer ring;

    private Path directory;

    private long digest;

    private final RecordHandler handler = (buffer, offset,
            length) -> this.digest += PayloadDigest.of(buffer, offset, length);

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (this.kind.equals("file")) {
            this.directory = Files.createTempDirectory("logbuf-filering-bench");
            this.ring = RingBuffer.builder(this.type)
                .file(this.directory.resolve("bench.ring"))
                .capacity(Workload.RING_CAPACITY)
                .build();
        }
        else if (this.kind.equals("direct")) {
            this.ring = RingBuffer.builder(this.type).capacity(Workload.RING_CAPACITY).build();
        }
        else {
            throw new IllegalArgumentException("kind must be direct or file, was " + this.kind);
        }
        this.producer = this.ring.producer();
        this.consumer = this.ring.consumer();
        this.payload = new byte[this.recordLength];
        new SplittableRandom(this.recordLength).nextBytes(this.payload);
    }

    @TearDown(Level.Trial)
    public void close() {
        this.ring.close();
        if (this.directory != null) {
            try {
                Files.deleteIfExists(this.directory.resolve("bench.ring"));
                Files.deleteIfExists(this.directory);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /** Claims, copies the payload in, commits; {@code false} when the ring is full. */
    boolean write() {
        WriteClaim claim = this.producer.tryClaim(this.payload.length);
        if (claim == null) {
            return false;
        }
        claim.putBytes(0, this.payload, 0, this.payload.length);
        claim.commit();
        return true;
    }

    int drain() {
        return this.consumer.drain(this.handler, Workload.DRAIN_BATCH);
    }

    long digest() {
        return this.digest;
    }

}
