package dev.logbuf.spring.boot.autoconfigure;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every bad ring property fails start-up with a failure analysis whose description names
 * the ring, the property and the value, and whose action says what to write.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogbufFailureAnalyzerTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class))
        .withUserConfiguration(Handlers.class);

    static Stream<Arguments> badProperties() {
        return Stream.of(arguments("logbuf.rings.audit.type", "lifo", "mpsc (any number of producing threads)"),
                arguments("logbuf.rings.audit.capacity", "8B", "16B to 1GB"),
                arguments("logbuf.rings.audit.capacity", "2GB", "16B to 1GB"),
                arguments("logbuf.rings.audit.capacity", "1MiB", "1MB"),
                arguments("logbuf.rings.audit.stall-timeout", "0s", "positive duration"),
                arguments("logbuf.rings.audit.stall-timeout", "-5s", "positive duration"),
                arguments("logbuf.rings.audit.stall-timeout", "soon", "positive duration"),
                arguments("logbuf.rings.audit.drain.shutdown-timeout", "0ms", "positive duration"),
                arguments("logbuf.rings.audit.drain.batch-limit", "0", "positive number of records"),
                arguments("logbuf.rings.audit.drain.batch-limit", "many", "positive number of records"),
                arguments("logbuf.rings.audit.drain.idle-strategy", "sleepy", "busy-spin, yield, backoff or park"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badProperties")
    void badValueIsExplainedWithRingPropertyValueAndAction(String property, String value, String actionHint) {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=archiver", property + "=" + value).run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("'audit'")
                .contains("Property: " + property)
                .contains("Value: \"" + value + "\"");
            assertThat(analysis.getAction()).startsWith("Set " + property + " to").contains(actionHint);
        });
    }

    @Test
    void drainEnabledWithoutHandlerNamesTheHandlerProperty() {
        this.runner.withPropertyValues("logbuf.rings.audit.capacity=64KB").run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("'audit'")
                .contains("Property: logbuf.rings.audit.handler")
                .contains("Value: (not set)")
                .contains("logbuf.rings.audit.drain.enabled defaults to true");
            assertThat(analysis.getAction())
                .contains("Set logbuf.rings.audit.handler to the name of a dev.logbuf.RecordHandler bean")
                .contains("logbuf.rings.audit.drain.enabled=false")
                .contains("@Qualifier(\"audit\") Consumer");
        });
    }

    @Test
    void aHandlerForARingWithoutDrainLoopIsRefusedRatherThanIgnored() {
        this.runner.withPropertyValues("logbuf.rings.audit.drain.enabled=false", "logbuf.rings.audit.handler=archiver")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.handler")
                    .contains("the ring has no drain loop (logbuf.rings.audit.drain.enabled=false)");
                assertThat(analysis.getAction()).contains("Remove logbuf.rings.audit.handler");
            });
    }

    @Test
    void handlerNameWithoutSuchBeanListsTheHandlersThatExist() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=archivr").run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("'audit'")
                .contains("Property: logbuf.rings.audit.handler")
                .contains("Value: \"archivr\"")
                .contains("there is no bean named 'archivr'");
            assertThat(analysis.getAction()).contains("Declare a dev.logbuf.RecordHandler bean named 'archivr'")
                .contains("set logbuf.rings.audit.handler to the name of an existing RecordHandler bean: archiver");
        });
    }

    @Test
    void handlerNameOfABeanThatIsNoRecordHandlerNamesItsType() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=notAHandler").run((context) -> {
            FailureAnalysis analysis = analyze(context);
            assertThat(analysis.getDescription()).contains("Value: \"notAHandler\"")
                .contains("is a java.lang.String, not a dev.logbuf.RecordHandler");
        });
    }

    @Test
    void startupFailurePrintsTheAnalysisInsteadOfAStackTrace(CapturedOutput output) {
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(BadApplication.class).web(WebApplicationType.NONE)
                .properties("logbuf.rings.audit.capacity=2GB", "logbuf.rings.audit.handler=archiver")
                .run());
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The logbuf ring 'audit' cannot be created.")
            .contains("Property: logbuf.rings.audit.capacity")
            .contains("Value: \"2GB\"")
            .contains("Set logbuf.rings.audit.capacity to a size from 16B to 1GB");
    }

    @Test
    void missingHandlerBeanPrintsTheAnalysis(CapturedOutput output) {
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(BadApplication.class).web(WebApplicationType.NONE)
                .properties("logbuf.rings.audit.handler=archivr")
                .run());
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The logbuf ring 'audit' has no record handler.")
            .contains("there is no bean named 'archivr'")
            .contains("existing RecordHandler bean: archiver");
    }

    private static FailureAnalysis analyze(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        FailureAnalysis analysis = new InvalidRingPropertyFailureAnalyzer().analyze(failure);
        if (analysis == null) {
            analysis = new RecordHandlerNotFoundFailureAnalyzer().analyze(failure);
        }
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    static class Handlers {

        @Bean
        RecordingHandler archiver() {
            return new RecordingHandler();
        }

        @Bean
        String notAHandler() {
            return "just a string";
        }

    }

    @Configuration(proxyBeanMethods = false)
    @Import({ Handlers.class, LogbufAutoConfiguration.class })
    static class BadApplication {

    }

}
