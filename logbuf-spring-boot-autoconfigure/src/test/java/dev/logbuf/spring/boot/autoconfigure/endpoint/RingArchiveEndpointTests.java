package dev.logbuf.spring.boot.autoconfigure.endpoint;

import java.nio.file.Path;
import java.time.Duration;

import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.Producer;
import dev.logbuf.spring.boot.autoconfigure.ArchiveDirectory;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint.ArchiveDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code logbuf} endpoint shows the state of a ring's built-in archive.
 */
class RingArchiveEndpointTests {

    @TempDir
    Path directory;

    @Test
    void describesTheArchiveOfAnArchiveRingOnly() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufEndpointAutoConfiguration.class))
            .withBean("recordingHandler", RecordingHandler.class)
            .withPropertyValues("management.endpoints.web.exposure.include=logbuf",
                    "logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.archive.flush=interval", "logbuf.rings.audit.archive.segment-size=1MB",
                    "logbuf.rings.plain.handler=recordingHandler")
            .run((context) -> {
                LogbufEndpoint endpoint = context.getBean(LogbufEndpoint.class);
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                assertThat(producer.offer(new byte[] { 1, 2, 3 })).isTrue();
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> Long.valueOf(0).equals(endpoint.ring("audit").archive().writtenSequence()));
                ArchiveDescriptor archive = endpoint.ring("audit").archive();
                assertThat(archive.directory()).isEqualTo(this.directory.toAbsolutePath().toString());
                assertThat(archive.open()).isTrue();
                assertThat(archive.flush()).isEqualTo("interval");
                assertThat(archive.segmentSize()).isEqualTo(1024 * 1024);
                assertThat(archive.segments()).isEqualTo(1);
                assertThat(archive.bytesWritten()).isEqualTo(ArchiveDirectory.chunkBytes(this.directory))
                    .isGreaterThan(3);
                assertThat(archive.recordsDropped()).isZero();
                assertThat(archive.recordsSkipped()).isZero();
                assertThat(archive.recoveredProblems()).isNull();
                assertThat(archive.error()).isNull();
                // flush=interval: forced within the interval (1s by default)
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> endpoint.ring("audit").archive().durablePosition() >= 0);
                assertThat(endpoint.ring("audit").handler()).isNull();
                assertThat(endpoint.ring("plain").archive()).isNull();
            });
    }

}
