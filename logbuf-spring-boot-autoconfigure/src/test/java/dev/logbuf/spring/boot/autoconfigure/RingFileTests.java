package dev.logbuf.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.autoconfigure.endpoint.LogbufEndpointAutoConfiguration;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint.RingDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * File-backed rings ({@code logbuf.rings.<name>.file}): records still in the file at
 * start are logged and drained first, the file is released when the context closes, and
 * every file the core refuses fails start-up with an analysis naming the property and the
 * file.
 */
@ExtendWith(OutputCaptureExtension.class)
class RingFileTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufEndpointAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withPropertyValues("management.endpoints.web.exposure.include=logbuf");

    @TempDir
    Path directory;

    @Test
    void recordsLeftInTheFileAreLoggedAndDrainedFirstAtTheNextStart(CapturedOutput output) {
        Path file = this.directory.resolve("rings/audit.ring");
        // a ring without drain loop: the records stay in the file when the context closes
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=64KB",
                    "logbuf.rings.audit.drain.enabled=false")
            .run((context) -> {
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                for (String text : List.of("left-1", "left-2", "left-3")) {
                    assertThat(producer.offer(text.getBytes())).isTrue();
                }
                assertThat(context.getBean(LogbufRings.class).get("audit").file()).contains(file);
            });
        assertThat(file).exists();
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=64KB",
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                assertThat(ring.producer().offer("new".getBytes())).isTrue();
                RecordingHandler handler = context.getBean(RecordingHandler.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> handler.records().size() == 4);
                assertThat(handler.texts()).containsExactly("left-1", "left-2", "left-3", "new");
                RingDescriptor descriptor = context.getBean(LogbufEndpoint.class).ring("audit");
                assertThat(descriptor.file()).isEqualTo(file.toAbsolutePath().toString());
                assertThat(descriptor.recovery().records()).isEqualTo(3);
                assertThat(descriptor.recovery().bytes()).isEqualTo(18);
                assertThat(descriptor.recovery().claimsDropped()).isZero();
            });
        assertThat(output).contains("Logbuf ring 'audit' reopened " + file.toAbsolutePath() + ": 3 records (18"
                + " payload bytes) accepted before the application last stopped were not yet drained; they are"
                + " drained first");
    }

    @Test
    void closingTheContextReleasesTheFile() {
        Path file = this.directory.resolve("audit.ring");
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=1KB",
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> assertThatException().isThrownBy(() -> RingBuffer.mpsc(file, 1024))
                .isInstanceOf(IllegalStateException.class));
        try (RingBuffer reopened = RingBuffer.mpsc(file, 1024)) {
            assertThat(reopened.recovery().records()).isZero();
        }
    }

    @Test
    void aFileOfAnotherTypeNamesTheFilesType() {
        Path file = this.directory.resolve("audit.ring");
        RingBuffer.spsc(file, 1024).close();
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=1KB",
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.file")
                    .contains("Value: \"" + file + "\"")
                    .contains("ring file " + file + " holds an SPSC ring; it was opened as MPSC");
                assertThat(analysis.getAction()).startsWith("Set logbuf.rings.audit.type to spsc")
                    .contains("or set logbuf.rings.audit.file to another file");
            });
    }

    @Test
    void aFileOfAnotherCapacityNamesTheFilesCapacity() {
        Path file = this.directory.resolve("audit.ring");
        RingBuffer.mpsc(file, 4096).close();
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=1KB",
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("holds a ring of capacity 4096 bytes");
                assertThat(analysis.getAction()).startsWith("Set logbuf.rings.audit.capacity to 4096B");
            });
    }

    @Test
    void aFileThatIsNoRingIsNeverOverwritten() throws IOException {
        Path file = Files.writeString(this.directory.resolve("notes.txt"), "precious notes, not a ring");
        this.runner.withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("is not a logbuf ring");
                assertThat(analysis.getAction()).contains("a file with content is never overwritten");
            });
        assertThat(file).hasContent("precious notes, not a ring");
    }

    @Test
    void aDamagedFileIsNamedWithWhatToDo() throws IOException {
        Path file = this.directory.resolve("audit.ring");
        RingBuffer.mpsc(file, 1024).close();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // the id in the header: its checksum no longer matches
            channel.write(ByteBuffer.wrap(new byte[] { 0x5a }), 24);
        }
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=1KB",
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("ring file " + file + " is damaged");
                assertThat(analysis.getAction()).startsWith("Move " + file + " away");
            });
    }

    @Test
    void aFileHeldByAnotherRingNamesIt() {
        Path file = this.directory.resolve("audit.ring");
        try (RingBuffer holder = RingBuffer.mpsc(file, 1024)) {
            this.runner
                .withPropertyValues("logbuf.rings.audit.file=" + file, "logbuf.rings.audit.capacity=1KB",
                        "logbuf.rings.audit.handler=recordingHandler")
                .run((context) -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("ring file " + file + " is held open");
                    assertThat(analysis.getAction()).startsWith("Stop the other ring or process that holds " + file);
                });
            assertThat(holder.file()).contains(file);
        }
    }

    @Test
    void aFileWithoutDrainLoopHandlerOrArchiveIsAllowed() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.file=" + this.directory.resolve("audit.ring"),
                    "logbuf.rings.audit.drain.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().hasBean("logbuf.audit.consumer"));
    }

    @Test
    void theAnalysisIsPrintedWithWhereTheFileWasConfigured(CapturedOutput output) {
        Path file = this.directory.resolve("audit.ring");
        RingBuffer.spsc(file, 1024).close();
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
                .run("--logbuf.rings.audit.file=" + file, "--logbuf.rings.audit.capacity=1KB",
                        "--logbuf.rings.audit.drain.enabled=false"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Property: logbuf.rings.audit.file")
            .contains("Origin: \"logbuf.rings.audit.file\" from property source \"commandLineArgs\"")
            .contains("Set logbuf.rings.audit.type to spsc");
    }

    private static FailureAnalysis analyze(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        // the failed context has no environment to give: no origin in these analyses
        FailureAnalysis analysis = new RingFileFailureAnalyzer(new StandardEnvironment())
            .analyze(context.getStartupFailure());
        assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    static class Application {

    }

}
