package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "The hot path stays allocation-free" (API.md, WriteClaim reuse): a warm loop of
 * tryClaim/put/commit, offer (array and ByteBuffer), drain and tryRead/get/close
 * allocates nothing on the calling thread, measured with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, which counts every
 * byte this thread allocates on the heap, TLABs included.
 *
 * <p>
 * {@code WriteClaim.buffer()}, {@code ReadClaim.buffer()} and {@code blockedClaim()} are
 * left out: their Javadoc says they allocate a view or an {@code Optional}.
 */
class AllocationTest {

    private static final int WARM_UP_ROUNDS = 200_000;

    private static final int MEASURED_ROUNDS = 100_000;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
        .getThreadMXBean();

    private final byte[] source = Rings.payload(100, 7);

    private final byte[] destination = new byte[100];

    private final ByteBuffer directSource = ByteBuffer.allocateDirect(100);

    private long checksum;

    private final RecordHandler handler = (buffer, offset, length) -> checksum += buffer.getLong(offset) + length;

    static Stream<Arguments> configurations() {
        List<Arguments> configurations = new ArrayList<>();
        for (RingBuffer.Type type : RingBuffer.Type.values()) {
            for (Rings.Memory memory : Rings.usableMemories()) {
                configurations.add(Arguments.of(type, memory));
            }
        }
        return configurations.stream();
    }

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("configurations")
    void zeroAllocationInSteadyState(RingBuffer.Type type, Rings.Memory memory) {
        assertThat(THREADS.isThreadAllocatedMemorySupported()).isTrue();
        THREADS.setThreadAllocatedMemoryEnabled(true);
        RingBuffer ring = Rings.ring(type, memory, 4096);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();

        rounds(producer, consumer, WARM_UP_ROUNDS);
        // What the measurement itself costs (zero on HotSpot; measured, not assumed).
        long first = allocatedBytes();
        long second = allocatedBytes();
        long measurementCost = second - first;

        long before = allocatedBytes();
        rounds(producer, consumer, MEASURED_ROUNDS);
        long allocated = allocatedBytes() - before - measurementCost;

        assertThat(allocated).as("bytes allocated by %d warm rounds", MEASURED_ROUNDS).isZero();
        assertThat(checksum).isNotZero();
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    private void rounds(Producer producer, Consumer consumer, int rounds) {
        for (int i = 0; i < rounds; i++) {
            WriteClaim claim = producer.tryClaim(64);
            claim.putLong(0, i).putInt(8, i).putShort(12, (short) i).putByte(14, (byte) i).putBytes(16, source, 0, 40);
            directSource.clear().limit(24);
            claim.putBytes(56 - 16, directSource);
            claim.commit();

            try (WriteClaim aborted = producer.tryClaim(8)) {
                aborted.putLong(0, i); // closed without commit: a skip marker
            }
            producer.offer(source, 0, 50);
            directSource.clear();
            producer.offer(directSource);
            producer.offer(source);

            consumer.drain(handler, 2);
            ReadClaim read = consumer.tryRead();
            checksum += read.getLong(0) + read.getInt(8) + read.getShort(12) + read.getByte(14) + read.length();
            read.getBytes(0, destination, 0, read.length());
            read.close();
            consumer.drain(handler);
        }
    }

}
