package dev.logbuf.spring.boot.autoconfigure.health;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.archive.ArchiveReader;
import dev.logbuf.archive.ArchiveRecord;
import dev.logbuf.archive.DiskFullChannels;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health of a ring with a built-in archive: {@code DOWN} with {@code archiveError}
 * while the archive cannot write, {@code UP} again once it can.
 */
class RingArchiveHealthTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufHealthContributorAutoConfiguration.class));

    @TempDir
    Path temp;

    @Test
    void aHealthyArchiveIsUpWithItsDirectoryAndSegments() {
        Path directory = this.temp.resolve("audit");
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + directory).run((context) -> {
            Health audit = health(context, "audit");
            assertThat(audit.getStatus()).isEqualTo(Status.UP);
            assertThat(audit.getDetails()).containsEntry("archiveDirectory", directory.toAbsolutePath().toString())
                .containsEntry("archiveSegments", 1)
                .containsEntry("drainRunning", true)
                .doesNotContainKey("archiveError");
        });
    }

    @Test
    void aFailingWriteIsDownWithTheErrorAndUpAgainOnceAWriteSucceeds() {
        Path directory = this.temp.resolve("audit");
        AtomicBoolean diskFull = new AtomicBoolean();
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + directory)
            .withBean(ArchiveWriterCustomizer.class,
                    () -> (ring, builder) -> DiskFullChannels.failWhile(builder, diskFull::get))
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                assertThat(ring.producer().offer(bytes("kept-1"))).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> ring.recordsConsumed() == 1);
                diskFull.set(true);
                assertThat(ring.producer().offer(bytes("waited"))).isTrue();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Health audit = health(context, "audit");
                    assertThat(audit.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((String) audit.getDetails().get("archiveError")).contains("cannot write")
                        .contains(directory.toString())
                        .contains("No space left on device");
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> ring.drainErrors() >= 2);
                // the failing batch stays in the ring: the record waits there, retried
                assertThat(ring.recordsConsumed()).isEqualTo(1);
                assertThat(ring.usedBytes()).isPositive();
                diskFull.set(false);
                assertThat(ring.producer().offer(bytes("kept-2"))).isTrue();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Health audit = health(context, "audit");
                    assertThat(audit.getStatus()).isEqualTo(Status.UP);
                    assertThat(audit.getDetails()).doesNotContainKey("archiveError");
                });
                context.close();
                // the failed writes were undone and retried from the ring: the archive is
                // whole, every record in it once, in order
                assertThat(texts(directory)).containsExactly("kept-1", "waited", "kept-2");
                assertThat(ring.archive().orElseThrow().recordsDropped()).isZero();
            });
    }

    @Test
    void anArchiveDirectoryReplacedByAFileIsDownUntilItIsADirectoryAgain() throws Exception {
        Path directory = this.temp.resolve("audit");
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + directory).run((context) -> {
            assertThat(health(context, "audit").getStatus()).isEqualTo(Status.UP);
            FileSystemUtils.deleteRecursively(directory);
            Files.writeString(directory, "in the way");
            Health down = health(context, "audit");
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) down.getDetails().get("archiveError"))
                .contains(directory.toAbsolutePath() + " is gone or no longer a directory");
            Files.delete(directory);
            Files.createDirectory(directory);
            assertThat(health(context, "audit").getStatus()).isEqualTo(Status.UP);
        });
    }

    private static Health health(AssertableApplicationContext context, String ring) {
        CompositeHealthContributor contributor = context.getBean("logbufHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) contributor.getContributor(ring)).health(true);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(Path directory) {
        ArchiveReader reader = ArchiveReader.open(directory);
        List<String> texts = new ArrayList<>();
        for (ArchiveRecord record : reader) {
            texts.add(new String(record.toByteArray(), StandardCharsets.UTF_8));
        }
        assertThat(reader.isClean()).as("problems %s, torn tail %s", reader.problems(), reader.tornTail()).isTrue();
        return texts;
    }

}
