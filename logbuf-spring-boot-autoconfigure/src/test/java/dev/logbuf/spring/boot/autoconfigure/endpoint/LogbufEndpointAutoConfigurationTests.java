package dev.logbuf.spring.boot.autoconfigure.endpoint;

import java.time.Duration;

import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.TestNanoClock;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint.RingDescriptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LogbufEndpointAutoConfiguration}.
 */
class LogbufEndpointAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufEndpointAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withPropertyValues("management.endpoints.web.exposure.include=logbuf",
                "logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.audit.capacity=64KB",
                "logbuf.rings.audit.stall-timeout=200ms", "logbuf.rings.manual.type=spsc",
                "logbuf.rings.manual.capacity=1KB", "logbuf.rings.manual.drain.enabled=false");

    @Test
    void describesEveryRing() {
        this.runner.run((context) -> {
            LogbufEndpoint endpoint = context.getBean(LogbufEndpoint.class);
            Producer manual = context.getBean("logbuf.manual.producer", Producer.class);
            assertThat(manual.offer(new byte[8])).isTrue();
            assertThat(endpoint.rings().rings()).containsOnlyKeys("audit", "manual");
            RingDescriptor descriptor = endpoint.rings().rings().get("manual");
            assertThat(descriptor.type()).isEqualTo("spsc");
            assertThat(descriptor.capacity()).isEqualTo(1024);
            assertThat(descriptor.maxRecordLength()).isEqualTo(1024 / 2 - 8);
            assertThat(descriptor.producerPosition()).isEqualTo(16);
            assertThat(descriptor.consumerPosition()).isZero();
            assertThat(descriptor.usedBytes()).isEqualTo(16);
            assertThat(descriptor.drainEnabled()).isFalse();
            assertThat(descriptor.drainRunning()).isFalse();
            assertThat(descriptor.recordsConsumed()).isNull();
            assertThat(descriptor.stalled()).isFalse();
            assertThat(descriptor.blockedClaim()).isNull();
            RingDescriptor audit = endpoint.rings().rings().get("audit");
            assertThat(audit.type()).isEqualTo("mpsc");
            assertThat(audit.drainRunning()).isTrue();
            assertThat(audit.handler()).isEqualTo("recordingHandler");
            assertThat(audit.stallTimeoutMs()).isEqualTo(200);
        });
    }

    @Test
    void describesOneRingByNameAndNothingForAnUnknownName() {
        this.runner.run((context) -> {
            LogbufEndpoint endpoint = context.getBean(LogbufEndpoint.class);
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            for (int i = 0; i < 3; i++) {
                assertThat(producer.offer(new byte[] { (byte) i })).isTrue();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.ring("audit").recordsConsumed() == 3);
            RingDescriptor audit = endpoint.ring("audit");
            assertThat(audit.bytesConsumed()).isEqualTo(48);
            assertThat(audit.drainErrors()).isZero();
            assertThat(audit.claimsRejected()).isZero();
            assertThat(endpoint.ring("nope")).isNull();
        });
    }

    @Test
    void showsTheBlockedClaimAndWhetherItIsStalled() {
        TestNanoClock clock = new TestNanoClock();
        this.runner.withBean(LogbufNanoClock.class, () -> clock).run((context) -> {
            LogbufEndpoint endpoint = context.getBean(LogbufEndpoint.class);
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            String claimant = Thread.currentThread().getName();
            WriteClaim claim = producer.tryClaim(8);
            try {
                RingDescriptor blocked = endpoint.ring("audit");
                assertThat(blocked.stalled()).isFalse();
                assertThat(blocked.blockedClaim().stalled()).isFalse();
                assertThat(blocked.blockedClaim().position()).isZero();
                clock.advance(Duration.ofMillis(200));
                RingDescriptor audit = endpoint.ring("audit");
                assertThat(audit.stalled()).isTrue();
                assertThat(audit.blockedClaim().stalled()).isTrue();
                assertThat(audit.blockedClaim().position()).isZero();
                assertThat(audit.blockedClaim().blockedForMs()).isEqualTo(200);
                assertThat(audit.blockedClaim().claimantThread()).isEqualTo(claimant);
            }
            finally {
                claim.commit();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.ring("audit").blockedClaim() == null);
            assertThat(endpoint.ring("audit").stalled()).isFalse();
        });
    }

    @Test
    void backsOffWhenTheEndpointIsNotExposed() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
            .run((context) -> assertThat(context).doesNotHaveBean(LogbufEndpoint.class));
    }

    @Test
    void backsOffWithoutTheActuator() {
        this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LogbufEndpoint.class));
    }

    @Test
    void backsOffWhenLogbufIsDisabled() {
        this.runner.withPropertyValues("logbuf.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LogbufEndpoint.class));
    }

}
