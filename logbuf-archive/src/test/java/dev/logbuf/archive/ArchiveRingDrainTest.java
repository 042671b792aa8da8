package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.archive.ArchiveFixtures.Contents;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive as the handler of a real ring's drain loop. */
class ArchiveRingDrainTest {

    @TempDir
    Path dir;

    @Test
    void recordsDrainedFromARingAreArchivedInOrderAcrossRotations() {
        RingBuffer ring = RingBuffer.spsc(1 << 15);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        long offered = 0;
        try (ArchiveWriter archive = ArchiveWriter.builder(dir).segmentSize(16384).open()) {
            while (offered < 2000) {
                while (offered < 2000 && producer.offer(payload(offered))) {
                    offered++;
                }
                archive.drain(consumer, 1024);
            }
            while (archive.drain(consumer, 1024) > 0) {
                // drain what is left
            }
            assertThat(archive.flushedSequence()).isEqualTo(1999);
        }
        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 2000));
        assertThat(contents.problems()).isEmpty();
        assertThat(ArchiveFixtures.segments(dir)).hasSizeGreaterThan(5);
    }

    @Test
    void aMultiProducerRingKeepsEachProducersOrderInTheArchive() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(1 << 14);
        Consumer consumer = ring.consumer();
        int perProducer = 3000;
        Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++) {
            int id = p;
            producers[p] = new Thread(() -> {
                Producer producer = ring.producer();
                for (int i = 0; i < perProducer; i++) {
                    byte[] record = (id + ":" + i).getBytes();
                    while (!producer.offer(record)) {
                        Thread.onSpinWait();
                    }
                }
            });
            producers[p].start();
        }
        try (ArchiveWriter archive = ArchiveWriter.builder(dir)
            .segmentSize(8192)
            .flushPolicy(FlushPolicy.NONE)
            .open()) {
            long archived = 0;
            while (archived < 2L * perProducer) {
                archived += archive.drain(consumer, 64);
            }
        }
        for (Thread producer : producers) {
            producer.join();
        }
        int[] next = new int[2];
        for (ArchiveFixtures.Read read : readAll(dir).records()) {
            String[] parts = new String(read.payload()).split(":");
            int id = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[id]++);
        }
        assertThat(next).containsExactly(perProducer, perProducer);
    }

}
