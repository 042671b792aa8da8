package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingSettings;
import dev.logbuf.spring.boot.ArchiveSettings;
import dev.logbuf.spring.boot.RingArchive;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.WriteClaim;
import dev.logbuf.archive.ArchiveReader;
import dev.logbuf.archive.ArchiveRecord;
import dev.logbuf.archive.ArchiveWriterBuilder;
import dev.logbuf.archive.FlushPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rings with a built-in archive ({@code logbuf.rings.<name>.archive.*}): binding, no
 * handler bean, records written in order, the flush policy applied per drain batch, every
 * committed record archived and the writer closed at shutdown, restart. Bad archive
 * values are covered by {@link ArchiveFailureAnalyzerTests}.
 */
class RingArchiveTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class));

    @TempDir
    Path directory;

    @Test
    void bindsEveryArchivePropertyAndNeedsNoHandlerBean() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.segment-size=1MB", "logbuf.rings.audit.archive.flush=interval",
                    "logbuf.rings.audit.archive.flush-interval=250ms",
                    "logbuf.rings.audit.archive.retention.max-segments=10",
                    "logbuf.rings.audit.archive.retention.max-age=7d")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(RecordHandler.class).doesNotHaveBean(Consumer.class);
                RingSettings settings = context.getBean(LogbufRings.class).get("audit").settings();
                assertThat(settings.handler()).isNull();
                assertThat(settings.archive()).isEqualTo(new ArchiveSettings(this.directory, 1024 * 1024,
                        FlushPolicy.INTERVAL, Duration.ofMillis(250), 10, Duration.ofDays(7)));
                RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
                assertThat(drain.isDrainThreadAlive()).isTrue();
                assertThat(drain.ring().settings().target()).isEqualTo("archive " + this.directory);
                assertThat(context.getBean(LogbufRings.class).get("audit").archive()).get()
                    .satisfies((archive) -> assertThat(archive.isOpen()).isTrue());
            });
    }

    @Test
    void archiveDefaultsAreTheDocumentedOnes() {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            ArchiveSettings archive = context.getBean(LogbufRings.class).get("audit").settings().archive();
            assertThat(archive).isEqualTo(new ArchiveSettings(this.directory, 64L * 1024 * 1024, FlushPolicy.BATCH,
                    Duration.ofSeconds(1), null, null));
            // the writer's own defaults
            assertThat(archive.segmentSize()).isEqualTo(ArchiveWriterBuilder.DEFAULT_SEGMENT_SIZE);
        });
    }

    @Test
    void ringsWithoutAnArchiveDirectoryHaveNoArchive() {
        this.runner.withBean("recordingHandler", RecordingHandler.class)
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.audit.archive.flush=none")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                assertThat(ring.settings().archive()).isNull();
                assertThat(ring.archive()).isEmpty();
            });
    }

    @Test
    void batchFlushForcesEveryDrainedBatchAndTheRecordsReadBackInOrder() {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            RingArchive archive = ring.archive().orElseThrow();
            for (int i = 0; i < 50; i++) {
                assertThat(ring.producer().offer(bytes("record-" + i))).isTrue();
            }
            // flush=batch: the end of the batch that wrote record 49 forced it
            await().atMost(Duration.ofSeconds(10)).until(() -> archive.flushedSequence().orElse(-1L) == 49);
            assertThat(archive.writtenSequence()).contains(49L);
            // counted after the ring's release, which follows the archive's batch
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ring.recordsConsumed()).isEqualTo(50));
            assertThat(archive.segmentCount()).isEqualTo(1);
            // a durable position at or past the last record's
            assertThat(archive.durablePosition()).isGreaterThanOrEqualTo(ring.consumerPosition() - 8 - 16);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add("record-" + i);
            }
            context.close();
            assertThat(archive.isOpen()).isFalse();
            assertThat(texts(this.directory)).isEqualTo(expected);
            // the counter is what the segment holds besides its header
            assertThat(archive.bytesWritten()).isEqualTo(ArchiveDirectory.chunkBytes(this.directory))
                .isGreaterThan(50L * "record-0".length());
            assertThat(archive.recordsDropped()).isZero();
            assertThat(archive.recordsSkipped()).isZero();
        });
    }

    @Test
    void flushNoneHandsRecordsToTheOperatingSystemWithoutForcingThem() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.flush=none")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                RingArchive archive = ring.archive().orElseThrow();
                for (int i = 0; i < 5; i++) {
                    assertThat(ring.producer().offer(bytes("r" + i))).isTrue();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 4);
                // written but never forced: none never calls fsync, not even at close
                assertThat(archive.flushedSequence()).contains(-1L);
                context.close();
                assertThat(texts(this.directory)).containsExactly("r0", "r1", "r2", "r3", "r4");
            });
    }

    @Test
    void intervalFlushForcesAQuietRingOnceTheIntervalHasPassed() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.flush=interval", "logbuf.rings.audit.archive.flush-interval=500ms")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                RingArchive archive = ring.archive().orElseThrow();
                assertThat(ring.producer().offer(bytes("only"))).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 0);
                // no further record arrives: the empty drains' batch ends force it once
                // 500ms have passed
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.flushedSequence().orElse(-1L) == 0);
            });
    }

    @Test
    void smallSegmentsRotateAndRetentionKeepsTheNewest() {
        // 88-byte segment header, 42 bytes per record (32-byte chunk header), a 72-byte
        // anchor per batch: at most 4 records per 256B segment, so 20 records take at
        // least 5 segments, of which retention keeps 3
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                "logbuf.rings.audit.archive.segment-size=256B", "logbuf.rings.audit.archive.retention.max-segments=3")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                List<String> offered = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String text = String.format("record-%03d", i);
                    assertThat(ring.producer().offer(bytes(text))).isTrue();
                    offered.add(text);
                }
                RingArchive archive = ring.archive().orElseThrow();
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 19);
                // retention runs after the batch publishes its last sequence
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(archive.segmentCount()).isEqualTo(3));
                context.close();
                assertThat(ArchiveDirectory.segments(this.directory)).hasSize(3);
                // the oldest segments went, whole: what is left is the newest records,
                // in order, none missing in between
                List<String> kept = texts(this.directory);
                assertThat(kept).isNotEmpty().hasSizeLessThan(20);
                assertThat(kept).isEqualTo(offered.subList(20 - kept.size(), 20));
                assertThat(ArchiveReader.open(this.directory).iterator().next().sequence()).isEqualTo(20 - kept.size());
            });
    }

    @Test
    void closingTheContextArchivesEveryCommittedRecordInPerThreadOrderAndClosesTheWriter() {
        int threads = 4;
        int perThread = 10_000;
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.capacity=1MB", "logbuf.rings.audit.drain.shutdown-timeout=30s")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                Producer producer = ring.producer();
                // a claim held at the head keeps the drain loop waiting: the whole
                // backlog is still in the ring when the context starts closing
                WriteClaim head = producer.tryClaim(8);
                List<Thread> producers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    producers.add(new Thread(() -> offerAll(producer, thread, perThread), "producer-" + t));
                }
                producers.forEach(Thread::start);
                for (Thread thread : producers) {
                    thread.join();
                }
                assertThat(ring.claimsRejected()).isZero();
                head.putLong(0, -1L).commit();
                context.close();
                assertThat(ring.usedBytes()).isZero();
                List<byte[]> records = records(this.directory);
                assertThat(records).hasSize(1 + threads * perThread);
                assertThat(ByteBuffer.wrap(records.get(0)).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(-1L);
                int[] next = new int[threads];
                for (byte[] record : records.subList(1, records.size())) {
                    ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                    int thread = buffer.getInt(0);
                    assertThat(buffer.getInt(4)).as("sequence of producer %d", thread).isEqualTo(next[thread]);
                    next[thread]++;
                }
                assertThat(next).containsOnly(perThread);
            });
    }

    @Test
    void restartingTheDrainLoopReopensTheArchiveAndContinuesItsNumbering() {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            RingArchive archive = ring.archive().orElseThrow();
            RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
            assertThat(ring.producer().offer(bytes("before"))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 0);
            long bytesBefore = archive.bytesWritten();
            drain.stop();
            assertThat(archive.isOpen()).isFalse();
            // closed: the segment is whole and holds the record
            assertThat(texts(this.directory)).containsExactly("before");
            drain.start();
            assertThat(archive.isOpen()).isTrue();
            assertThat(ring.producer().offer(bytes("after"))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 1);
            assertThat(archive.bytesWritten()).isGreaterThan(bytesBefore);
            context.close();
            assertThat(texts(this.directory)).containsExactly("before", "after");
            // counted over both writers: everything the segment holds besides its header
            assertThat(archive.bytesWritten()).isEqualTo(ArchiveDirectory.chunkBytes(this.directory));
        });
    }

    @Test
    void customizersAdjustTheWriterBeforeItOpensInOrder() {
        List<String> customized = new java.util.concurrent.CopyOnWriteArrayList<>();
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory)
            .withBean("unordered", ArchiveWriterCustomizer.class, () -> (ring, builder) -> {
                customized.add("unordered " + ring);
                builder.writeBufferSize(4096);
            })
            .withBean("ordered", ArchiveWriterCustomizer.class,
                    () -> new OrderedCustomizer((ring, builder) -> customized.add("ordered " + ring)))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(customized).containsExactly("ordered audit", "unordered audit");
            });
    }

    static List<String> texts(Path directory) {
        List<String> texts = new ArrayList<>();
        for (byte[] record : records(directory)) {
            texts.add(new String(record, StandardCharsets.UTF_8));
        }
        return texts;
    }

    /** Every record of a closed archive; fails when the reader finds any damage. */
    static List<byte[]> records(Path directory) {
        ArchiveReader reader = ArchiveReader.open(directory);
        List<byte[]> records = new ArrayList<>();
        for (ArchiveRecord record : reader) {
            records.add(record.toByteArray());
        }
        assertThat(reader.problems()).isEmpty();
        assertThat(reader.tornTail()).isEmpty();
        return records;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void offerAll(Producer producer, int thread, int records) {
        byte[] record = new byte[16];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        for (int sequence = 0; sequence < records; sequence++) {
            buffer.putInt(0, thread).putInt(4, sequence);
            if (!producer.offer(record)) {
                throw new IllegalStateException("ring full at record " + sequence + " of producer " + thread);
            }
        }
    }

    @Order(1)
    record OrderedCustomizer(ArchiveWriterCustomizer delegate) implements ArchiveWriterCustomizer {

        @Override
        public void customize(String ringName, dev.logbuf.archive.ArchiveWriterBuilder builder) {
            this.delegate.customize(ringName, builder);
        }
    }

}
