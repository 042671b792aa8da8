package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API.md, "Round 2 additions", "File-backed rings": creation of an absent or empty file,
 * {@code close()}, positions and id that continue across a reopen, and what
 * {@link RingBuffer#recovery()} counts. The crash itself is {@link FileRingCrashTest};
 * the refused opens are {@link RingFileReopenErrorsTest}. See the Javadoc of
 * {@link RingBuffer#mpsc(Path, int)} and {@link RingBuffer#close()}.
 */
class FileRingTest {

    private static final int CAPACITY = 1024;

    private static final long TAIL = 4096 + CAPACITY + 128;

    private static final long HEAD = 4096 + CAPACITY + 256;

    private static final long RELEASING = 4096 + CAPACITY + 264;

    @TempDir
    Path dir;

    private static RingBuffer open(Path file, RingBuffer.Type type) {
        return (type == RingBuffer.Type.SPSC) ? RingBuffer.spsc(file, CAPACITY) : RingBuffer.mpsc(file, CAPACITY);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void absentFileBecomesANewRing(RingBuffer.Type type) throws IOException {
        Path file = this.dir.resolve("new.ring");
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.type()).isEqualTo(type);
            assertThat(ring.capacity()).isEqualTo(CAPACITY);
            assertThat(ring.file()).contains(file);
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(0, 0, 0));
            assertThat(ring.producerPosition()).isZero();
            assertThat(ring.consumerPosition()).isZero();
            assertThat(ring.blockedClaim()).isEmpty();
            Rings.write(ring.producer(), Rings.payload(10, 1));
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(10, 1));
        }
        assertThat(Files.size(file)).as("header page + data + counters").isEqualTo(4096 + CAPACITY + 384);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void emptyFileBecomesANewRing(RingBuffer.Type type) throws IOException {
        Path file = Files.createFile(this.dir.resolve("empty.ring"));
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.recovery().records()).isZero();
            assertThat(ring.producerPosition()).isZero();
            Rings.write(ring.producer(), Rings.payload(10, 1));
        }
        assertThat(Files.size(file)).isEqualTo(4096 + CAPACITY + 384);
    }

    @Test
    void newRingsGetDifferentIds() {
        try (RingBuffer first = RingBuffer.mpsc(this.dir.resolve("a.ring"), CAPACITY);
                RingBuffer second = RingBuffer.mpsc(this.dir.resolve("b.ring"), CAPACITY)) {
            assertThat(first.id()).isNotEqualTo(second.id());
        }
    }

    @Test
    void fileInAMissingDirectoryIsCreatedWithItsDirectories() {
        Path file = this.dir.resolve("missing").resolve("x.ring");
        try (RingBuffer ring = RingBuffer.mpsc(file, CAPACITY)) {
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(0, 0, 0));
        }
        assertThat(file).exists();
    }

    @Test
    void fileThatCannotBeCreatedFailsNamingTheFile() throws IOException {
        Path notADirectory = Files.createFile(this.dir.resolve("plain-file"));
        Path file = notADirectory.resolve("x.ring");
        assertThatThrownBy(() -> RingBuffer.mpsc(file, CAPACITY)).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining(file.toString());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void afterCloseEveryOperationOfTheRingThrowsIllegalStateException(RingBuffer.Type type) {
        Path file = this.dir.resolve("closed.ring");
        RingBuffer ring = open(file, type);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        Rings.write(producer, Rings.payload(8, 1));
        WriteClaim open = producer.tryClaim(8);
        ring.close();

        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("tryClaim", () -> producer.tryClaim(8));
        calls.put("offer(byte[])", () -> producer.offer(new byte[8]));
        calls.put("offer(byte[], off, len)", () -> producer.offer(new byte[8], 0, 8));
        calls.put("offer(ByteBuffer)", () -> producer.offer(ByteBuffer.allocate(8)));
        calls.put("tryRead", consumer::tryRead);
        calls.put("drain", () -> consumer.drain((b, o, l) -> {
        }));
        calls.put("drain(limit)", () -> consumer.drain((b, o, l) -> {
        }, 1));
        calls.put("drainTo", () -> consumer.drainTo((b, o, l, p) -> {
        }, 1));
        calls.put("commit of a claim still open", open::commit);
        calls.forEach((name, call) -> assertThatThrownBy(call).as(name).isInstanceOf(IllegalStateException.class));

        ring.close(); // idempotent, never throws
        try (RingBuffer reopened = open(file, type)) {
            assertThat(reopened.recovery()).as("the record, and the claim dropped")
                .isEqualTo(new RingBuffer.Recovery(1, 8, 1));
            assertThat(Rings.drainAll(reopened.consumer())).containsExactly(Rings.payload(8, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void closeOfARingInMemoryDoesNothing(RingBuffer.Type type) {
        RingBuffer ring = Rings.ring(type, 256);
        ring.close();
        Rings.write(ring.producer(), Rings.payload(8, 1));
        assertThat(Rings.drainAll(ring.consumer())).hasSize(1);
        assertThat(ring.file()).isEmpty();
        assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void positionsAndIdContinueAcrossReopenAndUnreleasedRecordsComeBackInOrder(RingBuffer.Type type) {
        Path file = this.dir.resolve("continue.ring");
        long id;
        long producerPosition;
        long consumerPosition;
        List<byte[]> written = new ArrayList<>();
        try (RingBuffer ring = open(file, type)) {
            id = ring.id();
            Producer producer = ring.producer();
            Consumer consumer = ring.consumer();
            // several laps round the ring, so the positions are far from the indexes
            for (int i = 0; i < 200; i++) {
                byte[] payload = Rings.payload(1 + i % 60, i);
                Rings.write(producer, payload);
                assertThat(Rings.read(consumer)).isEqualTo(payload);
            }
            for (int i = 0; i < 12; i++) {
                byte[] payload = Rings.payload(1 + i * 5, 1000 + i);
                Rings.write(producer, payload);
                written.add(payload);
            }
            assertThat(Rings.read(consumer)).isEqualTo(written.remove(0));
            producerPosition = ring.producerPosition();
            consumerPosition = ring.consumerPosition();
            assertThat(producerPosition).isGreaterThan(4L * CAPACITY);
        }
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.id()).isEqualTo(id);
            assertThat(ring.producerPosition()).isEqualTo(producerPosition);
            assertThat(ring.consumerPosition()).isEqualTo(consumerPosition);
            long bytes = written.stream().mapToLong((p) -> p.length).sum();
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(written.size(), bytes, 0));
            Producer producer = ring.producer();
            Rings.write(producer, Rings.payload(7, 7));
            written.add(Rings.payload(7, 7));
            assertThat(Rings.drainAll(ring.consumer())).containsExactlyElementsOf(written);
            assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
        }
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.recovery()).as("nothing left after a full drain")
                .isEqualTo(new RingBuffer.Recovery(0, 0, 0));
            assertThat(ring.id()).isEqualTo(id);
            assertThat(ring.consumer().tryRead()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recoveryDropsClaimsLeftOpenAndCountsThem(RingBuffer.Type type) {
        Path file = this.dir.resolve("claims.ring");
        try (RingBuffer ring = open(file, type)) {
            Producer producer = ring.producer();
            Rings.write(producer, Rings.payload(8, 1));
            producer.tryClaim(30).putLong(0, -1L); // open at close: dropped
            Rings.write(producer, Rings.payload(8, 2));
            producer.tryClaim(5).abort(); // a skip marker: neither record nor claim
            producer.tryClaim(9); // open at close: dropped
            Rings.write(producer, Rings.payload(8, 3));
        }
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(3, 24, 2));
            assertThat(ring.blockedClaim()).as("dropped claims block nothing").isEmpty();
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(8, 1), Rings.payload(8, 2),
                    Rings.payload(8, 3));
            assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
        }
    }

    /**
     * An MPSC producer that won the CAS on the producer position and died before writing
     * its header leaves zeros up to the next record: forged here by moving the producer
     * position in the file (layout of {@link RingBuffer#mpsc(Path, int)}).
     */
    @Test
    void recoveryDropsAnMpscReservationWithoutAHeader() throws IOException {
        Path file = this.dir.resolve("reservation.ring");
        try (RingBuffer ring = RingBuffer.mpsc(file, CAPACITY)) {
            Rings.write(ring.producer(), Rings.payload(8, 1));
        }
        long tail = readLong(file, TAIL);
        writeLong(file, TAIL, tail + 32); // a reservation of 32 bytes, no header
        try (RingBuffer ring = RingBuffer.mpsc(file, CAPACITY)) {
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(1, 8, 1));
            Rings.write(ring.producer(), Rings.payload(8, 2));
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(8, 1), Rings.payload(8, 2));
            assertThat(ring.consumerPosition()).isEqualTo(tail + 32 + Rings.span(8));
        }
    }

    /**
     * The consumer died while zeroing a batch it had handed over: its releasing position
     * lies beyond the head. Those records must not come back; the rest must, whole.
     */
    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void releaseInProgressAtTheDeathIsFinishedNotDeliveredAgain(RingBuffer.Type type) throws IOException {
        Path file = this.dir.resolve("releasing.ring");
        try (RingBuffer ring = open(file, type)) {
            Producer producer = ring.producer();
            for (int i = 0; i < 6; i++) {
                Rings.write(producer, Rings.payload(8, i));
            }
        }
        long head = readLong(file, HEAD);
        assertThat(head).isZero();
        // the consumer stored releasing = end of the 3rd record and zeroed the first
        // header
        writeLong(file, RELEASING, 3L * Rings.span(8));
        writeLong(file, 4096, 0);
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.consumerPosition()).isEqualTo(3L * Rings.span(8));
            assertThat(ring.recovery()).isEqualTo(new RingBuffer.Recovery(3, 24, 0));
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(8, 3), Rings.payload(8, 4),
                    Rings.payload(8, 5));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void reopenedRingZeroesFreeSpaceSoStaleBytesNeverSurface(RingBuffer.Type type) throws IOException {
        Path file = this.dir.resolve("stale.ring");
        try (RingBuffer ring = open(file, type)) {
            Rings.write(ring.producer(), Rings.payload(8, 1));
        }
        // garbage beyond the producer position (an SPSC producer may have written a
        // header there before it stored the position)
        long tail = readLong(file, TAIL);
        writeLong(file, 4096 + tail, RecordDescriptor.committedHeader(8));
        writeLong(file, 4096 + tail + 8, 0x1122_3344_5566_7788L);
        try (RingBuffer ring = open(file, type)) {
            assertThat(ring.recovery().records()).isEqualTo(1);
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(8, 1));
        }
        assertThat(readLong(file, 4096 + tail)).as("free space zeroed at reopen").isZero();
        assertThat(readLong(file, 4096 + tail + 8)).isZero();
    }

    static long readLong(Path file, long offset) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[8];
            raf.seek(offset);
            raf.readFully(bytes);
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    static void writeLong(Path file, long offset, long value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array());
        }
    }

}
