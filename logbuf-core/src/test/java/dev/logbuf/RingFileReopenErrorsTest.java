package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API.md, "Round 2 additions", "File-backed rings", the errors: each names the file; a
 * file written for another type or capacity ({@code IllegalArgumentException}, both
 * values named), a file that is not a logbuf ring or is damaged
 * ({@code IllegalArgumentException}), a file held open by another ring in this or another
 * process ({@code IllegalStateException}); a file with content is never silently
 * re-initialized. See the Javadoc of {@link RingBuffer#mpsc(Path, int)}.
 *
 * <p>
 * Files are damaged through the layout documented there: a 4096-byte header page, then
 * the data region of {@code C} bytes, then the counters (producer position at
 * {@code 4096 + C + 128}, consumer position at {@code + 256}, releasing position at
 * {@code + 264}). Every refused open must leave the file byte for byte as it was, and
 * must not keep it held.
 */
class RingFileReopenErrorsTest {

    private static final int CAPACITY = 1024;

    private static final long TAIL = 4096 + CAPACITY + 128;

    private static final long HEAD = 4096 + CAPACITY + 256;

    private static final long RELEASING = 4096 + CAPACITY + 264;

    @TempDir
    Path dir;

    private static RingBuffer open(Path file, RingBuffer.Type type, int capacity) {
        return (type == RingBuffer.Type.SPSC) ? RingBuffer.spsc(file, capacity) : RingBuffer.mpsc(file, capacity);
    }

    /**
     * A ring file with content: 5 records committed, 2 of them released, then a claim
     * left open when the ring was closed.
     */
    private Path ringFileWithContent(RingBuffer.Type type) {
        Path file = this.dir.resolve(type.name().toLowerCase() + ".ring");
        try (RingBuffer ring = open(file, type, CAPACITY)) {
            Producer producer = ring.producer();
            for (int i = 0; i < 5; i++) {
                Rings.write(producer, Rings.payload(20, i));
            }
            Consumer consumer = ring.consumer();
            Rings.read(consumer);
            Rings.read(consumer);
            producer.tryClaim(16);
        }
        return file;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        }
        catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    /**
     * Asserts that opening {@code file} fails with {@code type}, naming the file, leaves
     * the file unchanged and does not keep it held; returns the message.
     */
    private static String assertRefused(Path file, RingBuffer.Type ringType, int capacity,
            Class<? extends RuntimeException> type) {
        byte[] before = read(file);
        Throwable thrown = null;
        try {
            open(file, ringType, capacity).close();
        }
        catch (RuntimeException ex) {
            thrown = ex;
        }
        assertThat(thrown).as("opening %s (%d bytes)", file.getFileName(), before.length).isInstanceOf(type);
        assertThat(thrown.getMessage()).as("the message names the file").contains(file.toString());
        assertThat(read(file)).as("a refused open leaves the file as it was").isEqualTo(before);
        // not held by the refused open: a second attempt gets the same answer, not "held"
        assertThatThrownBy(() -> open(file, ringType, capacity).close()).isInstanceOf(type);
        return thrown.getMessage();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void fileOfAnotherTypeIsRefusedNamingBothTypes(RingBuffer.Type type) {
        Path file = ringFileWithContent(type);
        RingBuffer.Type other = (type == RingBuffer.Type.SPSC) ? RingBuffer.Type.MPSC : RingBuffer.Type.SPSC;
        String message = assertRefused(file, other, CAPACITY, IllegalArgumentException.class);
        assertThat(message).contains(type.name()).contains(other.name());
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void fileOfAnotherCapacityIsRefusedNamingBothCapacities(RingBuffer.Type type) {
        Path file = ringFileWithContent(type);
        String message = assertRefused(file, type, 2048, IllegalArgumentException.class);
        assertThat(message).contains("1024").contains("2048");
        assertRefused(file, type, 512, IllegalArgumentException.class);
        try (RingBuffer ring = open(file, type, 1000)) {
            assertThat(ring.capacity()).as("1000 rounds up to the file's 1024").isEqualTo(CAPACITY);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 100, 4095, 4096, 5000, 10_000 })
    void foreignFileIsRefusedAndLeftAlone(int size) throws IOException {
        Path file = this.dir.resolve("notes.txt");
        byte[] text = new byte[size];
        byte[] line = "not a ring, just somebody's notes\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
            text[i] = line[i % line.length];
        }
        Files.write(file, text);
        assertRefused(file, RingBuffer.Type.MPSC, CAPACITY, IllegalArgumentException.class);
    }

    /**
     * Many binary formats start with zero bytes; a file whose first 8 bytes are zero is
     * still somebody's content.
     */
    @ParameterizedTest
    @ValueSource(ints = { 100, 4096, 4096 + CAPACITY + 384, 20_000 })
    void foreignFileStartingWithZeroBytesIsRefusedAndLeftAlone(int size) throws IOException {
        Path file = this.dir.resolve("image.bin");
        byte[] content = new byte[size];
        byte[] text = "payload after an 8-byte zero prefix".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, content, 8, Math.min(text.length, size - 8));
        Files.write(file, content);
        assertRefused(file, RingBuffer.Type.MPSC, CAPACITY, IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void truncatedFileIsRefusedAndLeftAlone(RingBuffer.Type type) throws IOException {
        Path original = ringFileWithContent(type);
        long length = Files.size(original);
        assertThat(length).isEqualTo(4096 + CAPACITY + 384);
        for (long cut : new long[] { 4, 8, 100, 4095, 4096, 4096 + 200, 4096 + CAPACITY, length - 1 }) {
            Path file = this.dir.resolve("truncated-" + cut + ".ring");
            Files.copy(original, file);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(cut);
            }
            assertRefused(file, type, CAPACITY, IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void everyByteOfTheHeaderIsChecked(RingBuffer.Type type) throws IOException {
        Path original = ringFileWithContent(type);
        // magic 0..7, version, type, capacity, header length, id, creation time, CRC
        // 40..43
        for (int offset = 0; offset < 44; offset++) {
            Path file = this.dir.resolve("flipped-" + offset + ".ring");
            Files.copy(original, file);
            flipByte(file, offset);
            assertRefused(file, type, CAPACITY, IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void damagedPositionsAreRefusedAndLeftAlone(RingBuffer.Type type) throws IOException {
        Path original = ringFileWithContent(type);
        long head = readLong(original, HEAD);
        long tail = readLong(original, TAIL);
        assertThat(head).isPositive();
        assertThat(tail).isGreaterThan(head);
        List<long[]> damages = new ArrayList<>();
        damages.add(new long[] { HEAD, tail + 8 }); // head beyond the tail
        damages.add(new long[] { HEAD, -8 }); // negative head
        damages.add(new long[] { HEAD, head + 4 }); // unaligned head
        damages.add(new long[] { TAIL, head + CAPACITY + 8 }); // more than a capacity in
                                                               // use
        damages.add(new long[] { TAIL, tail + 3 }); // unaligned tail
        damages.add(new long[] { RELEASING, tail + 8 }); // releasing beyond the tail
        damages.add(new long[] { RELEASING, head + 4 }); // releasing unaligned
        for (long[] damage : damages) {
            Path file = this.dir.resolve("positions-" + damage[0] + "-" + damage[1] + ".ring");
            Files.copy(original, file);
            writeLong(file, damage[0], damage[1]);
            assertRefused(file, type, CAPACITY, IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void recordHeaderCrossingTheProducerPositionIsRefused(RingBuffer.Type type) throws IOException {
        Path file = ringFileWithContent(type);
        long head = readLong(file, HEAD);
        // the first unreleased record claims to be longer than everything in use
        writeLong(file, 4096 + (head & (CAPACITY - 1)), RecordDescriptor.committedHeader(400));
        assertRefused(file, type, CAPACITY, IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void fileHeldByAnotherRingInThisJvmIsRefusedUntilThatRingCloses(RingBuffer.Type type) {
        Path file = this.dir.resolve("held.ring");
        RingBuffer first = open(file, type, CAPACITY);
        Rings.write(first.producer(), Rings.payload(8, 1));
        assertThatThrownBy(() -> open(file, type, CAPACITY)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> open(this.dir.resolve("./held.ring"), type, CAPACITY))
            .isInstanceOf(IllegalStateException.class);
        assertThat(Rings.drainAll(first.consumer())).as("the refused open did not disturb the first ring").hasSize(1);
        first.close();
        try (RingBuffer second = open(file, type, CAPACITY)) {
            assertThat(second.id()).isEqualTo(first.id());
        }
    }

    @Test
    void fileHeldThroughASymbolicLinkIsRefused() throws IOException {
        Path file = this.dir.resolve("target.ring");
        Path link = Files.createSymbolicLink(this.dir.resolve("link.ring"), file.getFileName());
        try (RingBuffer first = RingBuffer.mpsc(file, CAPACITY)) {
            assertThatThrownBy(() -> RingBuffer.mpsc(link, CAPACITY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(link.toString());
            Rings.write(first.producer(), Rings.payload(8, 1));
        }
    }

    /**
     * A second path to the same file (a hard link) refused in this JVM, and the refused
     * open must not release the process's lock on the file: on Linux, closing any channel
     * to a file drops the process's lock (API.md), so a child JVM could then open the
     * file under the first ring.
     */
    @Test
    void fileHeldThroughAHardLinkIsRefusedAndStaysLockedAgainstOtherProcesses() throws Exception {
        Path file = this.dir.resolve("linked.ring");
        Path hardLink = this.dir.resolve("hard-link.ring");
        try (RingBuffer first = RingBuffer.mpsc(file, CAPACITY)) {
            Files.createLink(hardLink, file);
            assertThatThrownBy(() -> RingBuffer.mpsc(hardLink, CAPACITY).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(hardLink.toString());
            try (ChildJvm child = ChildJvm.start(RingFileHolder.class, file.toString(), "MPSC", "1024")) {
                String answer = child.awaitLine(60, "OPEN", "REFUSED");
                assertThat(answer).as("another process opening the file while this JVM holds it")
                    .startsWith("REFUSED java.lang.IllegalStateException");
            }
            Rings.write(first.producer(), Rings.payload(8, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void fileHeldByAnotherProcessIsRefusedUntilItClosesTheRing(RingBuffer.Type type) throws Exception {
        Path file = this.dir.resolve("shared.ring");
        try (ChildJvm child = ChildJvm.start(RingFileHolder.class, file.toString(), type.name(), "1024")) {
            child.awaitLine(60, "OPEN");
            child.send("offer 3");
            child.awaitLine(60, "OFFERED");
            String message = assertRefused(file, type, CAPACITY, IllegalStateException.class);
            assertThat(message).contains("another process");
            child.send("close");
            child.awaitLine(60, "CLOSED");
            assertThat(child.awaitExit(60)).isZero();
        }
        try (RingBuffer ring = open(file, type, CAPACITY)) {
            assertThat(ring.recovery().records()).isEqualTo(3);
            assertThat(Rings.drainAll(ring.consumer())).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void lockIsReleasedWhenTheHoldingProcessIsKilled(RingBuffer.Type type) throws Exception {
        Path file = this.dir.resolve("killed.ring");
        try (ChildJvm child = ChildJvm.start(RingFileHolder.class, file.toString(), type.name(), "1024")) {
            child.awaitLine(60, "OPEN");
            child.send("offer 2");
            child.awaitLine(60, "OFFERED");
            assertRefused(file, type, CAPACITY, IllegalStateException.class);
            child.kill(); // SIGKILL: the ring is never closed
        }
        try (RingBuffer ring = open(file, type, CAPACITY)) {
            assertThat(ring.recovery().records()).isEqualTo(2);
            assertThat(Rings.drainAll(ring.consumer())).containsExactly(Rings.payload(8, 0), Rings.payload(8, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void anotherProcessIsRefusedWhileThisJvmHoldsTheFile(RingBuffer.Type type) throws Exception {
        Path file = this.dir.resolve("mine.ring");
        long id;
        try (RingBuffer ring = open(file, type, CAPACITY)) {
            id = ring.id();
            try (ChildJvm child = ChildJvm.start(RingFileHolder.class, file.toString(), type.name(), "1024")) {
                String answer = child.awaitLine(60, "OPEN", "REFUSED");
                assertThat(answer).startsWith("REFUSED java.lang.IllegalStateException").contains(file.toString());
            }
            Rings.write(ring.producer(), Rings.payload(8, 1));
        }
        try (ChildJvm child = ChildJvm.start(RingFileHolder.class, file.toString(), type.name(), "1024")) {
            assertThat(child.awaitLine(60, "OPEN", "REFUSED")).as("after close(): same id, the record recovered")
                .isEqualTo("OPEN " + id + " 1");
            child.send("close");
            child.awaitLine(60, "CLOSED");
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0xFF);
        }
    }

    private static long readLong(Path file, long offset) {
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

    private static void writeLong(Path file, long offset, long value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array());
        }
    }

}
