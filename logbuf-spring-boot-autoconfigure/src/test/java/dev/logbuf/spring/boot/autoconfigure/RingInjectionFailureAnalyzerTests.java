package dev.logbuf.spring.boot.autoconfigure;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.LogbufRings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A ring bean that cannot be injected is explained in logbuf's terms, not with Spring
 * Boot's generic "required a bean of type" analysis.
 */
@ExtendWith(OutputCaptureExtension.class)
class RingInjectionFailureAnalyzerTests {

    @Test
    void aProducerWhileLogbufIsDisabledNamesTheSwitchAndWhereItWasSet(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(AuditProducerUser.class, "--logbuf.enabled=false",
                "--logbuf.rings.audit.drain.enabled=false"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Parameter 0 of method auditUser in " + AuditProducerUser.class.getName() + " required"
                    + " @Qualifier(\"audit\") dev.logbuf.Producer, but logbuf is disabled: logbuf.enabled is false"
                    + " (\"logbuf.enabled\" from property source \"commandLineArgs\"), so no ring is created"
                    + " (configured rings: [audit]).")
            .contains("Remove logbuf.enabled=false (or set it to true) to create the rings")
            .doesNotContain("Consider defining a bean of type");
    }

    @Test
    void theRegistryWhileLogbufIsDisabledNamesTheSwitch(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(RegistryUser.class, "--logbuf.enabled=false"));
        assertThat(output)
            .contains("Parameter 0 of method registryUser in " + RegistryUser.class.getName()
                    + " required a dev.logbuf.spring.boot.LogbufRings, but logbuf is disabled: logbuf.enabled is false")
            .doesNotContain("Consider defining a bean of type");
    }

    @Test
    void aRingThatIsNotConfiguredNamesTheConfiguredRingsAndTheClosest(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(AuditProducerUser.class, "--logbuf.rings.audits.drain.enabled=false",
                "--logbuf.rings.events.drain.enabled=false"));
        assertThat(output)
            .contains("required @Qualifier(\"audit\") dev.logbuf.Producer, but no ring 'audit' is"
                    + " configured under logbuf.rings; configured rings: [audits, events].")
            .contains("Configure the ring under logbuf.rings.audit.* (for example logbuf.rings.audit.type=mpsc")
            .contains("did you mean @Qualifier(\"audits\")?")
            .doesNotContain("Consider defining a bean of type");
    }

    @Test
    void aRingBufferWithNoRingAtAllSaysSo(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(AuditRingUser.class));
        assertThat(output)
            .contains("required @Qualifier(\"audit\") dev.logbuf.RingBuffer, but no ring 'audit' is configured under"
                    + " logbuf.rings (no ring is).");
    }

    @Test
    void aConsumerOfARingWithADrainLoopSaysTheLoopOwnsIt(CapturedOutput output) {
        assertThatException()
            .isThrownBy(() -> run(AuditConsumerUser.class, "--logbuf.rings.audit.handler=recordingHandler"));
        assertThat(output)
            .contains("required @Qualifier(\"audit\") dev.logbuf.Consumer, but the ring 'audit' has a drain loop,"
                    + " which owns its one consumer.")
            .contains("Set logbuf.rings.audit.drain.enabled=false to read the ring yourself");
    }

    @Test
    void aProducerWithoutQualifierAmongSeveralRingsAsksForOne(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(UnqualifiedProducerUser.class,
                "--logbuf.rings.audit.drain.enabled=false", "--logbuf.rings.events.drain.enabled=false"));
        assertThat(output)
            .contains("required a dev.logbuf.Producer without @Qualifier, but there is one per ring"
                    + " [audit, events] and nothing says which.")
            .contains("Name the ring with @Qualifier(\"<ring name>\"): one of [audit, events].");
    }

    private static void run(Class<?> user, String... args) {
        new SpringApplicationBuilder(Application.class, user).web(WebApplicationType.NONE).run(args);
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    static class Application {

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class AuditProducerUser {

        @Bean
        String auditUser(@Qualifier("audit") Producer producer) {
            return producer.toString();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class AuditRingUser {

        @Bean
        String auditUser(@Qualifier("audit") RingBuffer ring) {
            return ring.toString();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class AuditConsumerUser {

        @Bean
        String auditUser(@Qualifier("audit") Consumer consumer) {
            return consumer.toString();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class RegistryUser {

        @Bean
        String registryUser(LogbufRings rings) {
            return rings.toString();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class UnqualifiedProducerUser {

        @Bean
        String producerUser(Producer producer) {
            return producer.toString();
        }

    }

}
