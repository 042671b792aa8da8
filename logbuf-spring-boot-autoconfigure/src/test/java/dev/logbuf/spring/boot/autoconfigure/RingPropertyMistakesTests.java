package dev.logbuf.spring.boot.autoconfigure;

import java.time.Duration;

import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Mistakes that binding alone would pass over in silence: a misspelled key under a ring,
 * a ring name that is not {@code [a-z0-9][a-z0-9-]*}, a dotted ring name that YAML nests.
 * Each fails start-up with an analysis naming the property, where it was written, and the
 * fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class RingPropertyMistakesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class));

    @Test
    void aMisspelledKeyNamesTheClosestValidKey() {
        this.runner.withPropertyValues("logbuf.rings.audit.drain.enabled=false", "logbuf.rings.audit.capacty=4MB")
            .run((context) -> {
                FailureAnalysis analysis = analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).contains("Property: logbuf.rings.audit.capacty")
                    .contains("Value: \"4MB\"")
                    .contains("'capacty' is not a property of a logbuf ring (it would be ignored)");
                assertThat(analysis.getAction()).startsWith("Did you mean logbuf.rings.audit.capacity?")
                    .contains("type, capacity, stall-timeout, handler, unblock-dead-claims, file, drain.enabled");
            });
    }

    @Test
    void aMisspelledNestedKeyNamesTheClosestNestedKey() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.drain.enabled=false", "logbuf.rings.audit.drain.idel-strategy=park")
            .run((context) -> assertThat(analyze(context.getStartupFailure()).getAction())
                .startsWith("Did you mean logbuf.rings.audit.drain.idle-strategy?"));
    }

    @Test
    void aMisspelledKeyInYamlIsShownWithItsFileAndLine(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("mistakes/misspelled-key.yml"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Property: logbuf.rings.audit.capacty")
            .contains("Origin: class path resource [mistakes/misspelled-key.yml] - 6:16")
            .contains("Did you mean logbuf.rings.audit.capacity?");
    }

    @Test
    void aDottedRingNameThatYamlNestedIsExplained(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("mistakes/dotted-ring-name.yml"));
        assertThat(output).contains("The logbuf ring 'my' cannot be created.")
            .contains("Property: logbuf.rings.my.ring.type")
            .contains("Origin: class path resource [mistakes/dotted-ring-name.yml] - 4:13")
            .contains("it looks like the ring 'my.ring', whose dot made YAML nest it as the ring 'my' with the key"
                    + " 'ring.type'")
            .contains("such as 'my-ring' (logbuf.rings.my-ring.type)");
    }

    @Test
    void anUpperCaseRingNameIsRefusedWithALowerCaseSuggestion(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("mistakes/upper-case-ring-name.yml"));
        assertThat(output).contains("The logbuf ring 'Audit_Log' cannot be created.")
            .contains("Property: logbuf.rings[Audit_Log].drain.enabled")
            .contains("Origin: class path resource [mistakes/upper-case-ring-name.yml] - 5:18")
            .contains("the ring name 'Audit_Log' is not lower-case letters, digits and dashes")
            .contains("such as 'audit-log' (logbuf.rings.audit-log.drain.enabled)");
    }

    @Test
    void aBracketedRingNameWithADotIsRefused() {
        this.runner.withPropertyValues("logbuf.rings[my.ring].drain.enabled=false").run((context) -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: logbuf.rings[my.ring].drain.enabled")
                .contains("the ring name 'my.ring' is not lower-case letters, digits and dashes");
            assertThat(analysis.getAction()).contains("such as 'my-ring'");
        });
    }

    @Test
    void relaxedFormsOfValidKeysAreAccepted() {
        try (ConfigurableApplicationContext context = run("mistakes/relaxed-keys.yml")) {
            RingSettings audit = context.getBean(LogbufRings.class).get("audit").settings();
            assertThat(audit.stallTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(audit.unblockDeadClaims()).isFalse();
            assertThat(audit.batchLimit()).isEqualTo(16);
        }
    }

    private static ConfigurableApplicationContext run(String yaml) {
        return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
            .properties("spring.config.location=classpath:" + yaml)
            .run();
    }

    private static FailureAnalysis analyze(Throwable failure) {
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = new InvalidRingPropertyFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    static class Application {

    }

}
