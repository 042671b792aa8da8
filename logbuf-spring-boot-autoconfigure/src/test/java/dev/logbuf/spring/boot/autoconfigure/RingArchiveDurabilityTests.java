package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.archive.DiskFullChannels;
import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingArchive;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Durable acknowledgement through the starter ({@code LogbufRings.awaitDurable}), and
 * what the archive reports at start when it recovered damage or a torn tail
 * ({@code docs/starter.md}, "Archive").
 */
@ExtendWith(OutputCaptureExtension.class)
class RingArchiveDurabilityTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class));

    @TempDir
    Path directory;

    @Test
    void awaitDurableAnswersOnceTheRecordIsForcedEvenWithFlushNone() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.flush=none")
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                RingArchive archive = rings.get("audit").archive().orElseThrow();
                long position = commit(rings.get("audit").producer(), "durable");
                assertThat(rings.awaitDurable("audit", position, Duration.ofSeconds(10))).isTrue();
                // flush=none never forces by itself: the waiter made the batch force
                assertThat(archive.flushedSequence()).contains(0L);
                assertThat(archive.durablePosition()).isGreaterThanOrEqualTo(position);
                // already durable: answered at once
                assertThat(rings.whenDurable("audit", position)).isCompleted();
            });
    }

    @Test
    void awaitDurableIsFalseWhileTheArchiveCannotWriteAndTrueOnceItCan() {
        AtomicBoolean diskFull = new AtomicBoolean(true);
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory)
            .withBean(ArchiveWriterCustomizer.class,
                    () -> (ring, builder) -> DiskFullChannels.failWhile(builder, diskFull::get))
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                LogbufRing ring = rings.get("audit");
                long position = commit(ring.producer(), "waits in the ring");
                await().atMost(Duration.ofSeconds(10)).until(() -> ring.drainErrors() >= 1);
                assertThat(rings.awaitDurable("audit", position, Duration.ofMillis(200))).isFalse();
                CompletableFuture<Void> waiting = rings.whenDurable("audit", position);
                assertThat(waiting).isNotDone();
                diskFull.set(false);
                assertThat(rings.awaitDurable("audit", position, Duration.ofSeconds(10))).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
                assertThat(waiting).isCompleted();
                assertThat(ring.archive().orElseThrow().recordsDropped()).isZero();
            });
    }

    @Test
    void waitingOnARingWithoutArchiveOrOnAnUnknownRingFailsClearly() {
        this.runner.withBean("recordingHandler", RecordingHandler.class)
            .withPropertyValues("logbuf.rings.plain.handler=recordingHandler",
                    "logbuf.rings.audit.archive.directory=" + this.directory)
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                assertThatIllegalStateException().isThrownBy(() -> rings.awaitDurable("plain", 0, Duration.ZERO))
                    .withMessage("Logbuf ring 'plain' has no archive, so nothing makes its records durable: set"
                            + " logbuf.rings.plain.archive.directory, or do not wait for durability on this ring");
                assertThatIllegalArgumentException().isThrownBy(() -> rings.whenDurable("nope", 0))
                    .withMessageContaining("No logbuf ring named 'nope'")
                    .withMessageContaining("[plain, audit]");
            });
    }

    @Test
    void waitingForAPositionNoRecordHasFailsClearly() {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            LogbufRings rings = context.getBean(LogbufRings.class);
            long position = commit(rings.get("audit").producer(), "one");
            long producerPosition = rings.get("audit").producerPosition();
            assertThat(rings.awaitDurable("audit", position, Duration.ofSeconds(10))).isTrue();
            // a negative position would be 'durable' at once, one past the producer
            // position never: both are mistakes
            assertThatIllegalArgumentException().isThrownBy(() -> rings.awaitDurable("audit", -1, Duration.ZERO))
                .withMessage("Logbuf ring 'audit' has no record at position -1: its records so far are at positions"
                        + " from 0 to below " + producerPosition
                        + "; wait for the WriteClaim.position() of a claim you committed");
            assertThatIllegalArgumentException().isThrownBy(() -> rings.whenDurable("audit", producerPosition))
                .withMessageContaining("has no record at position " + producerPosition);
        });
    }

    @Test
    void waitingWhileTheDrainLoopIsStoppedFailsClearly() {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            LogbufRings rings = context.getBean(LogbufRings.class);
            long position = commit(rings.get("audit").producer(), "one");
            context.getBean(RingDrainLifecycle.class).stop();
            assertThatIllegalStateException().isThrownBy(() -> rings.awaitDurable("audit", position, Duration.ZERO))
                .withMessageContaining("the archive in " + this.directory.toAbsolutePath() + " is not open")
                .withMessageContaining("drain loop is not running");
        });
    }

    @Test
    void aTornTailIsCutAndReportedAtStart(CapturedOutput output) throws Exception {
        writeArchive("first", "second");
        Path segment = ArchiveDirectory.segments(this.directory).get(0);
        // a write cut short by a power loss: the last chunk (the batch's anchor) is torn
        try (var channel = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(segment) - 20);
        }
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            RingArchive archive = context.getBean(LogbufRings.class).get("audit").archive().orElseThrow();
            assertThat(output).contains("WARN")
                .contains("Logbuf ring 'audit': the archive's last segment ended in a torn write")
                .contains(segment.toString());
            assertThat(archive.recoveredProblems()).singleElement().asString().contains(segment.toString());
        });
    }

    @Test
    void damageTheArchiveKeepsIsReportedAtStartAndTheArchiveGoesOn(CapturedOutput output) throws Exception {
        writeArchive("first", "rotten-record", "third");
        Path segment = ArchiveDirectory.segments(this.directory).get(0);
        byte[] content = Files.readAllBytes(segment);
        int at = indexOf(content, "rotten-record".getBytes(StandardCharsets.US_ASCII));
        content[at + 3] ^= 0x10; // bit rot in a complete record
        Files.write(segment, content);
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            RingArchive archive = ring.archive().orElseThrow();
            assertThat(output).contains("WARN")
                .contains("Logbuf ring 'audit': the archive in " + this.directory.toAbsolutePath() + " is damaged")
                .contains("ArchiveTool verify reports it");
            assertThat(archive.recoveredProblems()).isNotEmpty();
            assertThat(context).hasNotFailed();
            // it goes on after the damage
            long position = commit(ring.producer(), "after the damage");
            assertThat(archive.awaitDurable(position, Duration.ofSeconds(10))).isTrue();
        });
    }

    private void writeArchive(String... texts) {
        try (ArchiveWriter writer = ArchiveWriter.open(this.directory)) {
            writer.onStart(42);
            long position = 0;
            for (String text : texts) {
                byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                writer.onRecord(ByteBuffer.wrap(bytes), 0, bytes.length, position);
                position += 64;
            }
            writer.endOfBatch();
        }
    }

    private static long commit(Producer producer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (WriteClaim claim = producer.tryClaim(bytes.length)) {
            assertThat(claim).isNotNull();
            claim.putBytes(0, bytes, 0, bytes.length);
            long position = claim.position();
            claim.commit();
            return position;
        }
    }

    private static int indexOf(byte[] content, byte[] part) {
        outer: for (int i = 0; i <= content.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (content[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

}
