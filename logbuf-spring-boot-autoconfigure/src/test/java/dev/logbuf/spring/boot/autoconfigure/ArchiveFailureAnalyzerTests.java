package dev.logbuf.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.logbuf.archive.ArchiveException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every bad archive property, and an archive directory that cannot be used, fails
 * start-up with a failure analysis naming the ring, the property, the value (the path)
 * and what to do.
 */
@ExtendWith(OutputCaptureExtension.class)
class ArchiveFailureAnalyzerTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class));

    @TempDir
    Path directory;

    static Stream<Arguments> badArchiveProperties() {
        return Stream.of(arguments("logbuf.rings.audit.archive.segment-size", "0B", "from 121B to 1GB"),
                arguments("logbuf.rings.audit.archive.segment-size", "-1MB", "from 121B to 1GB"),
                arguments("logbuf.rings.audit.archive.segment-size", "120B", "from 121B to 1GB"),
                arguments("logbuf.rings.audit.archive.segment-size", "2GB", "from 121B to 1GB"),
                arguments("logbuf.rings.audit.archive.segment-size", "big", "for example 64MB"),
                arguments("logbuf.rings.audit.archive.flush", "sometimes", "none, batch or interval"),
                arguments("logbuf.rings.audit.archive.flush-interval", "0s", "positive duration"),
                arguments("logbuf.rings.audit.archive.flush-interval", "-1s", "positive duration"),
                arguments("logbuf.rings.audit.archive.retention.max-segments", "0", "positive number of segments"),
                arguments("logbuf.rings.audit.archive.retention.max-segments", "-3", "positive number of segments"),
                arguments("logbuf.rings.audit.archive.retention.max-segments", "lots", "positive number of segments"),
                arguments("logbuf.rings.audit.archive.retention.max-age", "0d", "positive duration"),
                arguments("logbuf.rings.audit.archive.retention.max-age", "-7d", "positive duration"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badArchiveProperties")
    void badArchiveValueIsExplainedWithRingPropertyValueAndAction(String property, String value, String hint) {
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory, property + "=" + value)
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("The logbuf ring 'audit' cannot be created.")
                    .contains("Property: " + property)
                    .contains("Value: \"" + value + "\"");
                assertThat(analysis.getDescription() + analysis.getAction()).contains(hint);
                assertThat(analysis.getAction()).startsWith("Set " + property + " to");
            });
    }

    @Test
    void handlerAndArchiveTogetherAreRefused() {
        this.runner.withBean("recordingHandler", RecordingHandler.class)
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.handler")
                    .contains("Value: \"recordingHandler\"")
                    .contains("the ring also has an archive (logbuf.rings.audit.archive.directory)");
                assertThat(analysis.getAction()).contains("Remove logbuf.rings.audit.handler to archive")
                    .contains("or remove logbuf.rings.audit.archive.directory to feed them to the handler bean");
            });
    }

    @Test
    void anArchiveWithoutDrainLoopIsRefused() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.drain.enabled=false")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.drain.enabled")
                    .contains("Value: \"false\"")
                    .contains("which only its drain loop writes");
                assertThat(analysis.getAction()).contains("Remove logbuf.rings.audit.drain.enabled");
            });
    }

    @Test
    void aDirectoryThatIsAFileIsNamed() throws IOException {
        Path file = Files.writeString(this.directory.resolve("not-a-directory"), "x");
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + file).run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.archive.directory")
                .contains("Value: \"" + file + "\"")
                .contains("the archive cannot be opened: archive directory " + file + " is not a directory");
            assertThat(analysis.getAction()).contains("Set logbuf.rings.audit.archive.directory to a directory");
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(ArchiveException.class);
        });
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(this.directory.resolve("plain-file"), "x");
        Path below = file.resolve("archive");
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + below).run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Value: \"" + below + "\"")
                .contains("cannot create archive directory " + below);
        });
    }

    @Test
    void twoRingsCannotShareADirectory() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.other.archive.directory=" + this.directory)
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("The logbuf ring 'other' cannot be created.")
                    .contains("Property: logbuf.rings.other.archive.directory")
                    .contains("is already being written by another ArchiveWriter");
            });
    }

    @Test
    void aFileThatIsNoSegmentIsNamedWithWhatToDo() throws IOException {
        Path stranger = Files.writeString(this.directory.resolve("00000000000000000000.seg"), "not a segment");
        this.runner.withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory).run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains(stranger + " is not a logbuf archive segment");
            assertThat(analysis.getAction()).startsWith("Move " + stranger + " out of the archive directory");
        });
    }

    @Test
    void startupFailurePrintsTheArchiveAnalysis(CapturedOutput output) throws IOException {
        Path file = Files.writeString(this.directory.resolve("taken"), "x");
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(BadApplication.class).web(WebApplicationType.NONE)
                .properties("logbuf.rings.audit.archive.directory=" + file)
                .run());
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The logbuf ring 'audit' cannot be created.")
            .contains("Property: logbuf.rings.audit.archive.directory")
            .contains("archive directory " + file + " is not a directory");
    }

    private static FailureAnalysis analyze(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new InvalidRingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        if (analysis == null) {
            // the failed context has no environment to give: the analysis then names the
            // configured path without its origin
            analysis = new ArchiveOpenFailureAnalyzer(new StandardEnvironment()).analyze(context.getStartupFailure());
        }
        assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    static class BadApplication {

    }

}
