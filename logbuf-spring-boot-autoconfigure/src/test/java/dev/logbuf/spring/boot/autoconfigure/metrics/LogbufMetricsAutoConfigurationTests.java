package dev.logbuf.spring.boot.autoconfigure.metrics;

import java.time.Duration;

import dev.logbuf.spring.boot.metrics.LogbufMetrics;
import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LogbufMetricsAutoConfiguration}.
 */
class LogbufMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                LogbufAutoConfiguration.class, LogbufMetricsAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withPropertyValues("logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.audit.capacity=64KB",
                "logbuf.rings.audit.stall-timeout=200ms", "logbuf.rings.manual.capacity=64B",
                "logbuf.rings.manual.type=spsc", "logbuf.rings.manual.drain.enabled=false");

    @Test
    void capacityAndUsedGaugesAreTaggedWithRingAndType() {
        this.runner.run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(gauge(registry, "logbuf.ring.capacity", "audit").value()).isEqualTo(65536);
            assertThat(meter(registry, "logbuf.ring.capacity", "audit").tag("type", "mpsc").gauge()).isNotNull();
            assertThat(meter(registry, "logbuf.ring.capacity", "manual").tag("type", "spsc").gauge().value())
                .isEqualTo(64);
            assertThat(gauge(registry, "logbuf.ring.used", "manual").value()).isZero();
            Producer producer = context.getBean("logbuf.manual.producer", Producer.class);
            assertThat(producer.offer(new byte[8])).isTrue();
            assertThat(gauge(registry, "logbuf.ring.used", "manual").value()).isEqualTo(16);
            assertThat(gauge(registry, "logbuf.ring.capacity", "audit").getId().getBaseUnit()).isEqualTo("bytes");
        });
    }

    @Test
    void rejectedClaimsAreCountedOnlyWhenTheRingIsFull() {
        this.runner.run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Producer producer = context.getBean("logbuf.manual.producer", Producer.class);
            int accepted = 0;
            while (producer.offer(new byte[8])) {
                accepted++;
            }
            assertThat(accepted).isEqualTo(4);
            assertThat(producer.tryClaim(8)).isNull();
            assertThat(counter(registry, "logbuf.claims.rejected", "manual").count()).isEqualTo(2);
            assertThat(counter(registry, "logbuf.claims.rejected", "audit").count()).isZero();
        });
    }

    @Test
    void consumedRecordsBytesAndDrainErrorsAreCounted() {
        this.runner.run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            assertThat(producer.offer("one".getBytes())).isTrue();
            assertThat(producer.offer("fail".getBytes())).isTrue();
            assertThat(producer.offer("three".getBytes())).isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(counter(registry, "logbuf.records.consumed", "audit").count()).isEqualTo(3);
                assertThat(counter(registry, "logbuf.drain.errors", "audit").count()).isEqualTo(1);
                // three records of 8-byte header + payload padded to 8 bytes
                assertThat(counter(registry, "logbuf.bytes.consumed", "audit").count()).isEqualTo(48);
            });
            // the drain-disabled ring has no drain loop meters
            assertThat(registry.find("logbuf.records.consumed").tag("ring", "manual").meter()).isNull();
            assertThat(registry.find("logbuf.drain.errors").tag("ring", "manual").meter()).isNull();
            assertThat(counter(registry, "logbuf.bytes.consumed", "manual").count()).isZero();
        });
    }

    @Test
    void stalledGaugeShowsSecondsOnceTheHeadIsClaimedBeyondTheStallTimeout() {
        this.runner.run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            assertThat(gauge(registry, "logbuf.ring.stalled", "audit").value()).isZero();
            WriteClaim claim = producer.tryClaim(8);
            try {
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> gauge(registry, "logbuf.ring.stalled", "audit").value() >= 0.2);
            }
            finally {
                claim.commit();
            }
            await().atMost(Duration.ofSeconds(5))
                .until(() -> gauge(registry, "logbuf.ring.stalled", "audit").value() == 0);
            assertThat(gauge(registry, "logbuf.ring.stalled", "audit").getId().getBaseUnit()).isEqualTo("seconds");
        });
    }

    @Test
    void backsOffWithoutMicrometer() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufMetricsAutoConfiguration.class))
            .withPropertyValues("logbuf.rings.manual.drain.enabled=false")
            .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LogbufMetrics.class));
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufMetricsAutoConfiguration.class))
            .withPropertyValues("logbuf.rings.manual.drain.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LogbufMetrics.class));
    }

    @Test
    void backsOffWhenLogbufIsDisabled() {
        this.runner.withPropertyValues("logbuf.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LogbufMetrics.class));
    }

    private static RequiredSearch meter(MeterRegistry registry, String name, String ring) {
        return registry.get(name).tag("ring", ring);
    }

    private static Gauge gauge(MeterRegistry registry, String name, String ring) {
        return meter(registry, name, ring).gauge();
    }

    private static FunctionCounter counter(MeterRegistry registry, String name, String ring) {
        return meter(registry, name, ring).functionCounter();
    }

}
