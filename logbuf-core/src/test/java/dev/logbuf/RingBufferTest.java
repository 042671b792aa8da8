package dev.logbuf;

import static dev.logbuf.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code RingBuffer} lines of API.md: construction, sizes, roles, positions. */
class RingBufferTest {

    @ParameterizedTest
    @CsvSource({ "16,16", "17,32", "1000,1024", "1024,1024", "1025,2048", "65535,65536" })
    void capacityIsRoundedUpToTheNextPowerOfTwo(int requested, int expected) {
        assertThat(RingBuffer.spsc(requested).capacity()).isEqualTo(expected);
        assertThat(RingBuffer.mpsc(requested).capacity()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void capacityBelowSixteenBytesIsRejectedNamingValueAndLimit(RingBuffer.Type type) {
        for (int bad : new int[] { 15, 1, 0, -16 }) {
            assertThatThrownBy(() -> ring(type, bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(bad))
                .hasMessageContaining("16");
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void capacityAboveOneGibIsRejectedNamingValueAndLimit(RingBuffer.Type type) {
        int bad = (1 << 30) + 1;
        assertThatThrownBy(() -> ring(type, bad)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(bad))
            .hasMessageContaining(String.valueOf(1 << 30));
        assertThatThrownBy(() -> ring(type, Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void typeTellsSpscFromMpsc() {
        assertThat(RingBuffer.spsc(64).type()).isEqualTo(RingBuffer.Type.SPSC);
        assertThat(RingBuffer.mpsc(64).type()).isEqualTo(RingBuffer.Type.MPSC);
        assertThat(RingBuffer.spsc(ByteBuffer.allocateDirect(4096)).type()).isEqualTo(RingBuffer.Type.SPSC);
        assertThat(RingBuffer.mpsc(ByteBuffer.allocateDirect(4096)).type()).isEqualTo(RingBuffer.Type.MPSC);
    }

    @ParameterizedTest
    @CsvSource({ "16,0", "32,8", "64,24", "4096,2040", "1048576,524280" })
    void maxRecordLengthIsHalfTheCapacityLessTheHeader(int capacity, int expected) {
        assertThat(RingBuffer.spsc(capacity).maxRecordLength()).isEqualTo(expected);
        assertThat(RingBuffer.mpsc(capacity).maxRecordLength()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void maxRecordLengthFitsAnEmptyRingWhereverTheHeadStands(RingBuffer.Type type) {
        int capacity = 256;
        // Every index a head can stand at: all multiples of 8 except 8 itself (no record
        // ends there: one starting at 0 spans at least 16 bytes, and none crosses the
        // end).
        for (int headIndex = 0; headIndex < capacity; headIndex += headIndex == 0 ? 16 : Rings.ALIGNMENT) {
            RingBuffer ring = ring(type, capacity);
            Producer producer = ring.producer();
            Consumer consumer = ring.consumer();
            long target = headIndex;
            while (ring.producerPosition() < target) {
                // a 1-byte record spans 16 bytes, a 9-byte one 24
                Rings.write(producer, new byte[(target - ring.producerPosition()) % 16 == 8 ? 9 : 1]);
                Rings.read(consumer);
            }
            assertThat(ring.consumerPosition() % capacity).isEqualTo(headIndex);
            byte[] big = Rings.payload(ring.maxRecordLength(), headIndex);
            assertThat(producer.offer(big)).as("max record at head index %d", headIndex).isTrue();
            assertThat(Rings.read(consumer)).isEqualTo(big);
            assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
        }
    }

    @Test
    void spscSecondProducerCallThrows() {
        RingBuffer ring = RingBuffer.spsc(64);
        ring.producer();
        assertThatThrownBy(ring::producer).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mpscProducerIsTheSameThreadSafeInstanceOnEveryCall() {
        RingBuffer ring = RingBuffer.mpsc(64);
        Producer first = ring.producer();
        assertThat(ring.producer()).isSameAs(first);
        assertThat(ring.producer()).isSameAs(first);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void secondConsumerCallThrows(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 64);
        ring.consumer();
        assertThatThrownBy(ring::consumer).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void positionsStartAtZeroAndGrowMonotonically(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        assertThat(ring.producerPosition()).isZero();
        assertThat(ring.consumerPosition()).isZero();
        long lastProducer = 0;
        long lastConsumer = 0;
        for (int i = 0; i < 100; i++) {
            int length = 1 + i % ring.maxRecordLength();
            long expectedProducer = lastProducer + Rings.advance(lastProducer, ring.capacity(), length);
            Rings.write(producer, Rings.payload(length, i));
            assertThat(ring.producerPosition()).isEqualTo(expectedProducer).isGreaterThan(lastProducer);
            assertThat(ring.consumerPosition()).isEqualTo(lastConsumer);
            Rings.read(consumer);
            assertThat(ring.consumerPosition()).isEqualTo(expectedProducer);
            lastProducer = ring.producerPosition();
            lastConsumer = ring.consumerPosition();
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void producerPositionIsTheEndOfTheLastClaimedRecordBeforeCommit(RingBuffer.Type type) {
        RingBuffer ring = ring(type, 128);
        WriteClaim claim = ring.producer().tryClaim(20);
        assertThat(ring.producerPosition()).isEqualTo(Rings.span(20));
        assertThat(ring.consumerPosition()).isZero();
        claim.abort();
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void positionsAreReadableFromAnyThread(RingBuffer.Type type) throws Exception {
        RingBuffer ring = ring(type, 128);
        Rings.write(ring.producer(), new byte[10]);
        long[] seen = new long[2];
        Thread monitor = new Thread(() -> {
            seen[0] = ring.producerPosition();
            seen[1] = ring.consumerPosition();
        });
        monitor.start();
        monitor.join();
        assertThat(seen).containsExactly(Rings.span(10), 0L);
    }

    // ---- caller-owned memory ---------------------------------------------

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void spscOverDirectByteBufferUsesLargestPowerOfTwoThatFits(RingBuffer.Type type) {
        int trailer = Rings.smallestMemoryFor(type, 1024, true) - 1024;
        assertThat(trailer).as("counter trailer bytes").isPositive().isLessThanOrEqualTo(4096);
        // Exactly enough for 1024 data bytes, and every size up to one byte short of
        // 2048.
        assertThat(ring(type, ByteBuffer.allocateDirect(1024 + trailer)).capacity()).isEqualTo(1024);
        assertThat(ring(type, ByteBuffer.allocateDirect(2047 + trailer)).capacity()).isEqualTo(1024);
        assertThat(ring(type, ByteBuffer.allocateDirect(2048 + trailer)).capacity()).isEqualTo(2048);
        // One byte short of 1024 data bytes falls back to 512.
        assertThat(ring(type, ByteBuffer.allocateDirect(1023 + trailer)).capacity()).isEqualTo(512);
        // A power-of-two memory cannot hold a power-of-two data region of the same size.
        assertThat(ring(type, ByteBuffer.allocateDirect(65536)).capacity()).isEqualTo(32768);
        assertThat(ring(type, ByteBuffer.allocateDirect(65536)).maxRecordLength()).isEqualTo(32768 / 2 - 8);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void memoryTooSmallIsRejectedNamingSizeAndMinimum(RingBuffer.Type type) {
        int minimum = Rings.smallestMemoryFor(type, 16, true);
        int bad = minimum - 8;
        assertThatThrownBy(() -> ring(type, ByteBuffer.allocateDirect(bad)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(bad))
            .hasMessageContaining(String.valueOf(minimum));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void ringOverCallerMemoryStartsEmptyBecauseItZeroesTheMemory(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(4096);
        while (memory.hasRemaining()) {
            memory.put((byte) 0xFF);
        }
        memory.clear();
        RingBuffer ring = ring(type, memory);
        assertThat(ring.producerPosition()).isZero();
        assertThat(ring.consumerPosition()).isZero();
        assertThat(ring.blockedClaim()).isEmpty();
        assertThat(ring.consumer().tryRead()).isNull();
        // Javadoc of mpsc(ByteBuffer): data region and 384 bytes of counters zeroed, the
        // rest untouched.
        int used = ring.capacity() + 384;
        assertThat(ring.capacity()).isEqualTo(2048);
        for (int i = 0; i < memory.capacity(); i++) {
            assertThat(memory.get(i)).as("byte %d", i).isEqualTo(i < used ? (byte) 0 : (byte) 0xFF);
        }
        Rings.write(ring.producer(), Rings.payload(100, 1));
        assertThat(ring.producerPosition()).isEqualTo(Rings.span(100));
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void ringOverHeapByteBufferWorksOrIsRefusedWhereTheJvmLacksHeapAtomics(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocate(4096);
        if (Rings.heapBufferAtomicsSupported()) {
            RingBuffer ring = ring(type, memory);
            Rings.write(ring.producer(), Rings.payload(33, 3));
            assertThat(Rings.read(ring.consumer())).isEqualTo(Rings.payload(33, 3));
        }
        else {
            assertThatThrownBy(() -> ring(type, memory)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heap");
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void ringOverMemoryMappedFileWorks(RingBuffer.Type type, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("ring");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8192);
            RingBuffer ring = ring(type, memory);
            assertThat(ring.capacity()).isEqualTo(4096);
            byte[] payload = Rings.payload(500, 9);
            Rings.write(ring.producer(), payload);
            assertThat(Rings.indexOf(memory, payload)).as("payload lands in the mapped memory").isNotNegative();
            assertThat(Rings.read(ring.consumer())).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void ringOverASliceStaysInsideTheSlice(RingBuffer.Type type) {
        ByteBuffer whole = ByteBuffer.allocateDirect(3 * 4096);
        for (int i = 0; i < whole.capacity(); i++) {
            whole.put(i, (byte) 0x77);
        }
        ByteBuffer slice = whole.slice(4096, 4096);
        RingBuffer ring = ring(type, slice);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 200; i++) {
            Rings.write(producer, Rings.payload(1 + i % ring.maxRecordLength(), i));
            Rings.read(consumer);
        }
        byte[] outside = new byte[4096];
        byte[] expected = new byte[4096];
        Arrays.fill(expected, (byte) 0x77);
        whole.get(0, outside);
        assertThat(outside).as("bytes before the slice").isEqualTo(expected);
        whole.get(8192, outside);
        assertThat(outside).as("bytes after the slice").isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void ringUsesTheRemainingBytesFromThePositionAndLeavesPositionAndLimit(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < memory.capacity(); i++) {
            memory.put(i, (byte) 0x33);
        }
        memory.position(64).limit(64 + 1024 + 384);
        RingBuffer ring = ring(type, memory);
        assertThat(ring.capacity()).isEqualTo(1024);
        assertThat(memory.position()).isEqualTo(64);
        assertThat(memory.limit()).isEqualTo(64 + 1024 + 384);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        for (int i = 0; i < 50; i++) {
            Rings.write(producer, Rings.payload(1 + i * 9 % ring.maxRecordLength(), i));
            Rings.read(consumer);
        }
        ByteBuffer whole = memory.duplicate().clear();
        for (int i = 0; i < whole.capacity(); i++) {
            if (i < 64 || i >= 64 + 1024 + 384) {
                assertThat(whole.get(i)).as("byte %d outside [position, limit)", i).isEqualTo((byte) 0x33);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void memoryPositionNotEightByteAlignedIsRejected(RingBuffer.Type type) {
        ByteBuffer memory = ByteBuffer.allocateDirect(4096).position(4);
        assertThatThrownBy(() -> ring(type, memory)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("8")
            .hasMessageContaining("4");
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void readOnlyMemoryIsRejected(RingBuffer.Type type) {
        ByteBuffer readOnly = ByteBuffer.allocateDirect(4096).asReadOnlyBuffer();
        assertThatThrownBy(() -> ring(type, readOnly)).isInstanceOf(IllegalArgumentException.class);
    }

}
