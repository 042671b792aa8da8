package dev.logbuf.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingSettings;
import dev.logbuf.spring.boot.TestNanoClock;
import dev.logbuf.spring.boot.IdleStrategyType;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.ReadClaim;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LogbufAutoConfiguration}: binding, per-ring beans and qualifiers,
 * drain lifecycles, backing off. Bad properties are covered by
 * {@link LogbufFailureAnalyzerTests}, shutdown draining by
 * {@link RingDrainShutdownTests}.
 */
class LogbufAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class))
        .withUserConfiguration(HandlerConfiguration.class);

    @Test
    void bindsEveryRingPropertyAndAppliesTheDocumentedDefaults() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.type=spsc", "logbuf.rings.audit.capacity=4MB",
                    "logbuf.rings.audit.stall-timeout=2s", "logbuf.rings.audit.handler=recordingHandler",
                    "logbuf.rings.audit.drain.batch-limit=16", "logbuf.rings.audit.drain.idle-strategy=busy-spin",
                    "logbuf.rings.audit.drain.shutdown-timeout=3s", "logbuf.rings.plain.handler=recordingHandler")
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                assertThat(rings.names()).containsExactly("audit", "plain");
                RingSettings audit = rings.get("audit").settings();
                assertThat(audit).isEqualTo(new RingSettings("audit", RingBuffer.Type.SPSC, 4 * 1024 * 1024,
                        Duration.ofSeconds(2), "recordingHandler", true, 16, IdleStrategyType.BUSY_SPIN,
                        Duration.ofSeconds(3), true, null, null, null));
                RingSettings plain = rings.get("plain").settings();
                assertThat(plain).isEqualTo(new RingSettings("plain", RingBuffer.Type.MPSC, 1024 * 1024,
                        Duration.ofSeconds(5), "recordingHandler", true, 256, IdleStrategyType.BACKOFF,
                        Duration.ofSeconds(10), true, null, null, null));
                assertThat(rings.get("audit").ringBuffer().type()).isEqualTo(RingBuffer.Type.SPSC);
                assertThat(rings.get("audit").capacity()).isEqualTo(4 * 1024 * 1024);
                assertThat(rings.get("plain").ringBuffer().type()).isEqualTo(RingBuffer.Type.MPSC);
                assertThat(context.getBean(LogbufProperties.class).getRings()).containsOnlyKeys("audit", "plain");
            });
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwo() {
        this.runner.withPropertyValues("logbuf.rings.audit.capacity=1000B", "logbuf.rings.audit.drain.enabled=false")
            .run((context) -> assertThat(context.getBean(LogbufRings.class).get("audit").capacity()).isEqualTo(1024));
    }

    @Test
    void ringBeansAreInjectableByQualifier() {
        this.runner.withUserConfiguration(QualifiedInjectionConfiguration.class)
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.manual.type=spsc",
                    "logbuf.rings.manual.capacity=64KB", "logbuf.rings.manual.drain.enabled=false")
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                InjectedRings injected = context.getBean(InjectedRings.class);
                assertThat(injected.auditProducer).isSameAs(rings.get("audit").producer());
                assertThat(injected.auditRing).isSameAs(rings.get("audit").ringBuffer());
                assertThat(injected.manualProducer).isSameAs(rings.get("manual").producer());
                assertThat(injected.manualRing).isSameAs(rings.get("manual").ringBuffer());
                assertThat(injected.manualConsumer).isSameAs(rings.get("manual").consumer());
                assertThat(context.getBeansOfType(RingBuffer.class)).hasSize(2);
                assertThat(context.getBeansOfType(Producer.class)).hasSize(2);
                // the drained ring has no Consumer bean: its drain loop owns the consumer
                assertThat(context.getBeansOfType(Consumer.class)).hasSize(1);
                assertThat(context.getBeansOfType(RingDrainLifecycle.class)).hasSize(1);
            });
    }

    @Test
    void recordsOfferedThroughTheProducerBeanReachTheHandlerOnTheDrainThread() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=recordingHandler").run((context) -> {
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            assertThat(producer.offer(bytes("first"))).isTrue();
            try (WriteClaim claim = producer.tryClaim(6)) {
                claim.putBytes(0, bytes("second"), 0, 6).commit();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.records().size() == 2);
            assertThat(handler.texts()).containsExactly("first", "second");
            assertThat(handler.threadNames()).containsOnly("logbuf-drain-audit");
            // counted after the batch's release, which follows the handler's calls
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(context.getBean(LogbufRings.class).get("audit").recordsConsumed())
                    .isEqualTo(2));
        });
    }

    @Test
    void drainDisabledRingIsReadThroughItsConsumerBean() {
        this.runner.withPropertyValues("logbuf.rings.manual.drain.enabled=false").run((context) -> {
            Producer producer = context.getBean("logbuf.manual.producer", Producer.class);
            Consumer consumer = context.getBean("logbuf.manual.consumer", Consumer.class);
            assertThat(producer.offer(bytes("mine"))).isTrue();
            try (ReadClaim claim = consumer.tryRead()) {
                assertThat(new String(claim.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("mine");
            }
            assertThat(drainThreads()).doesNotContain("logbuf-drain-manual");
        });
    }

    @Test
    void drainLoopStartsWithTheContextAndStopsWithIt() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=recordingHandler").run((context) -> {
            RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
            assertThat(drain.isRunning()).isTrue();
            assertThat(drain.isDrainThreadAlive()).isTrue();
            assertThat(drain.getPhase()).isEqualTo(RingDrainLifecycle.PHASE);
            assertThat(drainThreads()).contains("logbuf-drain-audit");
            context.close();
            assertThat(drain.isRunning()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> !drainThreads().contains("logbuf-drain-audit"));
        });
    }

    @Test
    void producerBeanRefusesClaimsAfterTheDrainLoopStoppedAndAcceptsThemAgainAfterRestart() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=recordingHandler").run((context) -> {
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
            drain.stop();
            assertThat(producer.offer(bytes("late"))).isFalse();
            assertThat(producer.tryClaim(8)).isNull();
            assertThat(context.getBean(LogbufRings.class).get("audit").claimsRejected()).isZero();
            drain.start();
            assertThat(producer.offer(bytes("again"))).isTrue();
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.texts().contains("again"));
            assertThat(handler.texts()).doesNotContain("late");
        });
    }

    @ParameterizedTest
    @EnumSource(IdleStrategyType.class)
    void everyIdleStrategyDrainsRecordsThatArriveWhileIdle(IdleStrategyType strategy) {
        this.runner
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler",
                    "logbuf.rings.audit.drain.idle-strategy=" + strategy.name().toLowerCase().replace('_', '-'))
            .run((context) -> {
                LogbufRings rings = context.getBean(LogbufRings.class);
                assertThat(rings.get("audit").settings().idleStrategy()).isEqualTo(strategy);
                RecordingHandler handler = context.getBean(RecordingHandler.class);
                Producer producer = rings.get("audit").producer();
                for (int i = 0; i < 50; i++) {
                    assertThat(producer.offer(bytes("r" + i))).isTrue();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> handler.records().size() == 50);
                assertThat(handler.texts()).first().isEqualTo("r0");
                assertThat(handler.texts()).last().isEqualTo("r49");
            });
    }

    @Test
    void handlerExceptionsAreCountedAndDoNotStopTheDrainLoop() {
        this.runner.withPropertyValues("logbuf.rings.audit.handler=recordingHandler").run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            for (String text : new String[] { "ok-1", "fail-1", "ok-2", "fail-2", "fail-3", "ok-3" }) {
                assertThat(ring.producer().offer(bytes(text))).isTrue();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.records().size() == 6);
            assertThat(handler.texts()).containsExactly("ok-1", "fail-1", "ok-2", "fail-2", "fail-3", "ok-3");
            await().atMost(Duration.ofSeconds(5)).until(() -> ring.drainErrors() == 3);
            assertThat(ring.recordsConsumed()).isEqualTo(6);
            assertThat(ring.drainRunning()).isTrue();
            assertThat(ring.producer().offer(bytes("after"))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.texts().contains("after"));
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void eachDistinctHandlerFailureIsLoggedAndRepeatsAreCountedUntilTheIntervalPassed(CapturedOutput output) {
        TestNanoClock clock = new TestNanoClock();
        this.runner.withBean(LogbufNanoClock.class, () -> clock)
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                for (String text : new String[] { "fail-x", "fail-y", "fail-x", "fail-x" }) {
                    assertThat(ring.producer().offer(bytes(text))).isTrue();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> ring.drainErrors() == 4);
                String report = "Drain of logbuf ring 'audit' to handler 'recordingHandler' failed;"
                        + " the record is skipped and the drain loop goes on";
                // the failure is counted before it is logged: wait for the last line
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(output.getAll().split(report, -1)).hasSize(3);
                    assertThat(output.getAll().split("handler refuses fail-x", -1)).hasSize(2);
                    assertThat(output.getAll().split("handler refuses fail-y", -1)).hasSize(2);
                });
                // a repeat is logged again, with its count, once a minute has passed
                clock.advance(Duration.ofSeconds(60));
                assertThat(ring.producer().offer(bytes("fail-x"))).isTrue();
                await().atMost(Duration.ofSeconds(5)).until(() -> ring.drainErrors() == 5);
                await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(output)
                        .contains(report + " (the same failure 3 times since it was last logged)"));
            });
    }

    @Test
    void claimsAndOffersThatFindTheRingFullAreCounted() {
        this.runner.withPropertyValues("logbuf.rings.small.capacity=64B", "logbuf.rings.small.drain.enabled=false")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("small");
                Producer producer = ring.producer();
                // 64-byte ring, records of 8-byte header + 8-byte payload: four fit
                int accepted = 0;
                while (producer.offer(new byte[8])) {
                    accepted++;
                }
                assertThat(accepted).isPositive();
                assertThat(ring.claimsRejected()).isEqualTo(1);
                assertThat(producer.tryClaim(8)).isNull();
                assertThat(producer.offer(new byte[8], 0, 8)).isFalse();
                assertThat(producer.offer(java.nio.ByteBuffer.wrap(new byte[8]))).isFalse();
                assertThat(ring.claimsRejected()).isEqualTo(4);
            });
    }

    @Test
    void laterConditionsSeeThePerRingBeans() {
        this.runner
            .withConfiguration(
                    AutoConfigurations.of(LogbufAutoConfiguration.class, ProducerUserAutoConfiguration.class))
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> assertThat(context).hasBean("producerUser"));
        this.runner
            .withConfiguration(
                    AutoConfigurations.of(LogbufAutoConfiguration.class, ProducerUserAutoConfiguration.class))
            .run((context) -> assertThat(context).doesNotHaveBean("producerUser"));
    }

    @Test
    void noRingsConfiguredGivesAnEmptyRegistry() {
        this.runner.run((context) -> {
            assertThat(context.getBean(LogbufRings.class).names()).isEmpty();
            assertThat(context).doesNotHaveBean(Producer.class);
        });
    }

    @Test
    void backsOffWhenDisabled() {
        this.runner.withPropertyValues("logbuf.enabled=false", "logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LogbufRings.class);
                assertThat(context).doesNotHaveBean(Producer.class);
                assertThat(context).doesNotHaveBean(LogbufProperties.class);
            });
    }

    @Test
    void backsOffWhenTheCoreIsAbsent() {
        this.runner.withClassLoader(new FilteredClassLoader(RingBuffer.class))
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LogbufRings.class);
            });
    }

    static Set<String> drainThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter((name) -> name.startsWith("logbuf-drain-"))
            .collect(Collectors.toSet());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfiguration {

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class QualifiedInjectionConfiguration {

        @Bean
        InjectedRings injectedRings(@Qualifier("audit") Producer auditProducer,
                @Qualifier("audit") RingBuffer auditRing, @Qualifier("manual") Producer manualProducer,
                @Qualifier("manual") RingBuffer manualRing, @Qualifier("manual") Consumer manualConsumer) {
            return new InjectedRings(auditProducer, auditRing, manualProducer, manualRing, manualConsumer);
        }

    }

    record InjectedRings(Producer auditProducer, RingBuffer auditRing, Producer manualProducer, RingBuffer manualRing,
            Consumer manualConsumer) {
    }

    @AutoConfiguration(after = LogbufAutoConfiguration.class)
    @ConditionalOnBean(Producer.class)
    static class ProducerUserAutoConfiguration {

        @Bean
        RecordHandler producerUser() {
            return (buffer, offset, length) -> {
            };
        }

    }

}
