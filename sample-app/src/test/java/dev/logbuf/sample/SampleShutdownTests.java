package dev.logbuf.sample;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the running sample drains every committed record of the audit ring into its
 * archive, and flushes and closes the archive, before the close returns.
 */
class SampleShutdownTests {

    private static final int THREADS = 4;

    private static final int RECORDS_PER_THREAD = 25_000;

    @Test
    void closingTheApplicationArchivesAHundredThousandRecordsInPerThreadOrder(@TempDir Path archive,
            @TempDir Path rings) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
                "--server.port=0", "--logbuf.rings.audit.archive.directory=" + archive,
                "--logbuf.rings.audit.file=" + rings.resolve("audit.ring"), "--logbuf.rings.audit.capacity=4MB",
                "--logbuf.rings.audit.drain.shutdown-timeout=60s");
        LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
        Producer producer = ring.producer();
        // a claim held at the head keeps the drain loop from moving: when the context
        // closes, all 100k records (24 bytes each with their header) are still in the
        // ring
        WriteClaim head = producer.tryClaim(8);
        List<Thread> producers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int threadIndex = t;
            Thread thread = new Thread(() -> {
                try {
                    offerAll(producer, threadIndex);
                }
                catch (Throwable ex) {
                    failures.add(ex);
                }
            }, "producer-" + t);
            producers.add(thread);
            thread.start();
        }
        for (Thread thread : producers) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(ring.usedBytes()).isEqualTo(8 + 8 + (long) THREADS * RECORDS_PER_THREAD * 24);
        head.putLong(0, -1L).commit();
        context.close();

        // closed: whole, no torn tail, every record checked against its CRC-32C
        List<byte[]> records = SampleArchive.readClosed(archive);
        assertThat(records).hasSize(1 + THREADS * RECORDS_PER_THREAD);
        assertThat(ByteBuffer.wrap(records.get(0)).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(-1L);
        int[] next = new int[THREADS];
        for (byte[] record : records.subList(1, records.size())) {
            ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            int thread = buffer.getInt(0);
            int sequence = buffer.getInt(4);
            assertThat(sequence).as("sequence of producer %d", thread).isEqualTo(next[thread]);
            next[thread]++;
        }
        assertThat(next).containsOnly(RECORDS_PER_THREAD);
    }

    private static void offerAll(Producer producer, int threadIndex) {
        byte[] record = new byte[16];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        for (int sequence = 0; sequence < RECORDS_PER_THREAD; sequence++) {
            buffer.putInt(0, threadIndex).putInt(4, sequence);
            if (!producer.offer(record)) {
                throw new IllegalStateException("ring full at record " + sequence + " of producer " + threadIndex);
            }
        }
    }

}
