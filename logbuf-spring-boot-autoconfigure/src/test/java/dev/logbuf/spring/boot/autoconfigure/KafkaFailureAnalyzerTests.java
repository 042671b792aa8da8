package dev.logbuf.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.logbuf.kafka.KafkaShipper;
import dev.logbuf.spring.boot.RingKafkaShipper;
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
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
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
 * Every mistake in a ring's {@code kafka.*} properties, a producer setting from
 * {@code spring.kafka.*} that could lose records, Kafka missing from the class path, and
 * a shipper that cannot start fail start-up with a failure analysis naming the property,
 * its value, where it was written and what to do. No broker is needed: nothing here gets
 * as far as sending.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaFailureAnalyzerTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, LogbufAutoConfiguration.class))
        .withPropertyValues("spring.kafka.bootstrap-servers=localhost:9");

    @TempDir
    Path directory;

    static Stream<Arguments> badKafkaProperties() {
        return Stream.of(arguments("logbuf.rings.audit.kafka.topic", "no spaces", "1 to 249 letters, digits"),
                arguments("logbuf.rings.audit.kafka.topic", "..", "1 to 249 letters, digits"),
                arguments("logbuf.rings.audit.kafka.topic", "t".repeat(250), "1 to 249 letters, digits"),
                arguments("logbuf.rings.audit.kafka.max-in-flight", "0", "positive number of records"),
                arguments("logbuf.rings.audit.kafka.max-in-flight", "many", "positive number of records"),
                arguments("logbuf.rings.audit.kafka.checkpoint-interval", "-1ms", "must not be negative"),
                arguments("logbuf.rings.audit.kafka.shutdown-timeout", "0s", "positive duration"),
                arguments("logbuf.rings.audit.kafka.outage-timeout", "0s", "positive duration"),
                arguments("logbuf.rings.audit.kafka.outage-timeout", "soon", "positive duration"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badKafkaProperties")
    void aBadKafkaValueIsExplainedWithPropertyValueAndAction(String property, String value, String hint) {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit", property + "=" + value)
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
    void aTopicWithoutArchiveIsRefusedNamingTheArchiveDirectory() {
        this.runner.withPropertyValues("logbuf.rings.audit.drain.enabled=false", "logbuf.rings.audit.kafka.topic=audit")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.kafka.topic")
                    .contains("Value: \"audit\"")
                    .contains("the ring has no archive (logbuf.rings.audit.archive.directory is not set)");
                assertThat(analysis.getAction()).startsWith("Set logbuf.rings.audit.archive.directory to a directory")
                    .endsWith("or remove logbuf.rings.audit.kafka.topic.");
            });
    }

    @Test
    void aKafkaSettingWithoutTopicWouldBeIgnoredAndIsRefused() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.max-in-flight=100")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.kafka.max-in-flight")
                    .contains("logbuf.rings.audit.kafka.topic is not set), so this setting would be ignored");
                assertThat(analysis.getAction()).startsWith("Set logbuf.rings.audit.kafka.topic to ship");
            });
    }

    @Test
    void aMisspelledKafkaKeyNamesTheClosestOne() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topik=audit")
            .run((context) -> assertThat(analyze(context).getAction())
                .startsWith("Did you mean logbuf.rings.audit.kafka.topic?"));
    }

    @Test
    void withoutTheKafkaModuleOnTheClassPathTheDependencyToAddIsNamed() {
        this.runner.withClassLoader(new FilteredClassLoader(KafkaShipper.class))
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.kafka.topic")
                    .contains("shipping to Kafka needs dev.logbuf:logbuf-kafka on the class path, and it is not there");
                assertThat(analysis.getAction()).startsWith("Add the dependency dev.logbuf:logbuf-kafka to the")
                    .endsWith("or remove logbuf.rings.audit.kafka.topic.");
            });
    }

    @Test
    void withoutBootsKafkaModuleTheDependencyToAddIsNamed() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader("org.springframework.boot.kafka"))
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit")
            .run((context) -> assertThat(analyze(context).getDescription())
                .contains("shipping to Kafka needs org.springframework.boot:spring-boot-kafka on the class path"));
    }

    @Test
    void aProducerSettingThatCouldLoseRecordsIsNamedWithItsFileAndLine(CapturedOutput output) {
        assertThatException()
            .isThrownBy(() -> new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
                .properties("spring.config.location=classpath:kafka/acks-one.yml",
                        "logbuf.rings.audit.archive.directory=" + this.directory)
                .run());
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The logbuf ring 'audit' cannot ship its archive to Kafka (logbuf.rings.audit.kafka.topic).")
            .contains("Property: spring.kafka.producer.acks")
            .contains("Value: \"1\"")
            .contains("Origin: class path resource [kafka/acks-one.yml] - 5:13")
            .contains("producer setting acks=1 can lose records: the shipper needs acks=all")
            .contains("Correct or remove spring.kafka.producer.acks.")
            .contains("give the shipper its own value with logbuf.rings.audit.kafka.properties.acks");
    }

    @Test
    void aProducerPropertyThatTurnsIdempotenceOffIsNamed() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit", "spring.kafka.producer.properties.enable.idempotence=false")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription())
                    .contains("Property: spring.kafka.producer.properties.enable.idempotence")
                    .contains("Value: \"false\"")
                    .contains("enable.idempotence=false can lose records");
            });
    }

    @Test
    void theRingsOwnProducerPropertiesOverrideSpringKafkasForItsShipperOnly() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit", "spring.kafka.producer.acks=1",
                    "logbuf.rings.audit.kafka.properties.acks=all",
                    "logbuf.rings.audit.kafka.properties.delivery.timeout.ms=60000")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                RingKafkaShipper shipper = context.getBean(RingKafkaShipper.class);
                assertThat(shipper.producerSettings()).containsEntry("acks", "all")
                    .containsEntry("delivery.timeout.ms", "60000")
                    .containsEntry("bootstrap.servers", List.of("localhost:9"));
                // the application's own producers keep theirs
                assertThat(context.getBean(KafkaProperties.class).buildProducerProperties()).containsEntry("acks", "1");
            });
    }

    @Test
    void aRingProducerPropertyThatCouldLoseRecordsIsNamed() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit", "logbuf.rings.audit.kafka.properties.retries=0")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.kafka.properties.retries")
                    .contains("Value: \"0\"")
                    .contains("retries=0 turns retries off");
                assertThat(analysis.getAction())
                    .startsWith("Correct or remove logbuf.rings.audit.kafka.properties.retries.");
            });
    }

    @Test
    void ringProducerPropertiesWithoutTopicWouldBeIgnoredAndAreRefused() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.properties.acks=all")
            .run((context) -> assertThat(analyze(context).getDescription())
                .contains("Property: logbuf.rings.audit.kafka.properties.acks")
                .contains("so this setting would be ignored"));
    }

    @Test
    void aBootstrapServerKafkaRefusesStopsTheStartNamingIt() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit", "spring.kafka.bootstrap-servers=no-port-here")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.kafka.topic")
                    .contains("the Kafka shipper cannot start")
                    .contains("bootstrap.servers");
                assertThat(analysis.getAction()).startsWith("Correct the Kafka producer settings in spring.kafka.*");
            });
    }

    @Test
    void aDamagedCheckpointStopsTheStartNamingTheFile() throws IOException {
        Files.write(this.directory.resolve("kafka-audit.checkpoint"), new byte[24]);
        this.runner
            .withPropertyValues("logbuf.rings.audit.archive.directory=" + this.directory,
                    "logbuf.rings.audit.kafka.topic=audit")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context);
                assertThat(analysis.getDescription()).contains("the Kafka shipper cannot start")
                    .contains("kafka-audit.checkpoint");
                assertThat(analysis.getAction()).startsWith("Deal with the file the reason names");
            });
    }

    private static FailureAnalysis analyze(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        FailureAnalysis analysis = new InvalidRingPropertyFailureAnalyzer().analyze(failure);
        if (analysis == null) {
            analysis = new KafkaProducerSettingFailureAnalyzer().analyze(failure);
        }
        if (analysis == null) {
            analysis = new KafkaShipperStartFailureAnalyzer(new StandardEnvironment()).analyze(failure);
        }
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    static class Application {

    }

}
