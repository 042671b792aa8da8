package dev.logbuf.spring.boot.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingArchive;
import dev.logbuf.Producer;
import dev.logbuf.spring.boot.autoconfigure.ArchiveDirectory;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive meters of a ring with a built-in archive, tagged {@code ring} and
 * {@code type}: bytes written, segments, and a timer of forces to the device.
 */
class RingArchiveMetricsTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                LogbufAutoConfiguration.class, LogbufMetricsAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class);

    @Test
    void bytesWrittenSegmentsAndFlushesAreMeasured() {
        // 88-byte segment header, 40 bytes per 8-byte record: at most 4 records per 256B
        // segment, so 6 records take at least 2
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.segment-size=256B", "logbuf.rings.audit.type=spsc",
                    "logbuf.rings.plain.handler=recordingHandler")
            .run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                RingArchive archive = context.getBean(LogbufRings.class).get("audit").archive().orElseThrow();
                Timer flush = registry.get("logbuf.archive.flush").tag("ring", "audit").tag("type", "spsc").timer();
                // the first drain forces whatever a previous writer may have left
                // unforced
                // (a killed process), before anything is written: it races with this
                // thread, so wait for it rather than assert none happened yet
                await().atMost(Duration.ofSeconds(10)).until(() -> flush.count() >= 1);
                long forcesAtStart = flush.count();
                assertThat(registry.get("logbuf.archive.segments").tag("ring", "audit").gauge().value()).isEqualTo(1);
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                for (int i = 0; i < 6; i++) {
                    assertThat(producer.offer(new byte[8])).isTrue();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 5);
                // the batch's segment count and durable position follow its last sequence
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> archive.durablePosition() >= 5 * 16
                            && archive.segmentCount() == ArchiveDirectory.segments(this.directory).size());
                // what the segments hold besides their headers
                assertThat(registry.get("logbuf.archive.bytes.written").tag("ring", "audit").functionCounter().count())
                    .isEqualTo(ArchiveDirectory.chunkBytes(this.directory))
                    .isGreaterThan(6 * 8);
                int segments = ArchiveDirectory.segments(this.directory).size();
                assertThat(segments).isGreaterThanOrEqualTo(2);
                assertThat(registry.get("logbuf.archive.segments").tag("ring", "audit").gauge().value())
                    .isEqualTo(segments);
                assertThat(
                        registry.get("logbuf.archive.records.dropped").tag("ring", "audit").functionCounter().count())
                    .isZero();
                assertThat(
                        registry.get("logbuf.archive.records.skipped").tag("ring", "audit").functionCounter().count())
                    .isZero();
                // flush=batch: the batch that wrote the last record forced it
                assertThat(registry.get("logbuf.archive.durable.position").tag("ring", "audit").gauge().value())
                    .isEqualTo(archive.durablePosition())
                    .isGreaterThanOrEqualTo(5 * 16);
                // flush=batch: at least one force per batch and one before each sealed
                // segment
                assertThat(flush.count()).isGreaterThan(forcesAtStart);
                assertThat(flush.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                assertThat(registry.get("logbuf.archive.bytes.written")
                    .tag("ring", "audit")
                    .functionCounter()
                    .getId()
                    .getBaseUnit()).isEqualTo("bytes");
                // a ring that feeds a handler bean has no archive meters
                assertThat(registry.find("logbuf.archive.bytes.written").tag("ring", "plain").meter()).isNull();
                assertThat(registry.find("logbuf.archive.flush").tag("ring", "plain").meter()).isNull();
            });
    }

    @Test
    void flushNoneNeverTimesAForce() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.flush=none")
            .run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                RingArchive archive = context.getBean(LogbufRings.class).get("audit").archive().orElseThrow();
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                assertThat(producer.offer(new byte[8])).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> archive.writtenSequence().orElse(-1L) == 0);
                assertThat(registry.get("logbuf.archive.bytes.written").tag("ring", "audit").functionCounter().count())
                    .isEqualTo(ArchiveDirectory.chunkBytes(this.directory))
                    .isGreaterThan(8);
                assertThat(registry.get("logbuf.archive.flush").tag("ring", "audit").timer().count()).isZero();
            });
    }

}
