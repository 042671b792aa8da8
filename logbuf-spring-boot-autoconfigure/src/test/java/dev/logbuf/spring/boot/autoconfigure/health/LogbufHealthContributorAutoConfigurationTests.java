package dev.logbuf.spring.boot.autoconfigure.health;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.spring.boot.TestNanoClock;
import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.RecordingHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LogbufHealthContributorAutoConfiguration}.
 */
class LogbufHealthContributorAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(LogbufAutoConfiguration.class, LogbufHealthContributorAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withPropertyValues("logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.audit.capacity=64KB",
                "logbuf.rings.audit.stall-timeout=300ms", "logbuf.rings.manual.drain.enabled=false",
                "logbuf.rings.manual.type=spsc");

    @Test
    void oneComponentPerRingWithTheDocumentedDetails() {
        this.runner.run((context) -> {
            CompositeHealthContributor contributor = context.getBean("logbufHealthContributor",
                    CompositeHealthContributor.class);
            assertThat(contributor.stream().map((entry) -> entry.name())).containsExactly("audit", "manual");
            Health audit = health(context, "audit");
            assertThat(audit.getStatus()).isEqualTo(Status.UP);
            assertThat(audit.getDetails()).containsEntry("type", "mpsc")
                .containsEntry("capacity", 65536)
                .containsEntry("usedBytes", 0L)
                .containsEntry("drainRunning", true)
                .containsKeys("producerPosition", "consumerPosition")
                .doesNotContainKeys("stalledForMs", "stalledAtPosition", "claimantThread");
            Health manual = health(context, "manual");
            assertThat(manual.getStatus()).isEqualTo(Status.UP);
            assertThat(manual.getDetails()).containsEntry("type", "spsc").containsEntry("drainRunning", false);
        });
    }

    @Test
    void usedBytesAndPositionsFollowTheRing() {
        this.runner.run((context) -> {
            Producer producer = context.getBean("logbuf.manual.producer", Producer.class);
            assertThat(producer.offer(new byte[8])).isTrue();
            Health manual = health(context, "manual");
            // one record: 8-byte header + 8-byte payload
            assertThat(manual.getDetails()).containsEntry("usedBytes", 16L)
                .containsEntry("producerPosition", 16L)
                .containsEntry("consumerPosition", 0L);
        });
    }

    @Test
    void headClaimedLongerThanTheStallTimeoutIsDownUntilCommitted() throws Exception {
        TestNanoClock clock = new TestNanoClock();
        this.runner.withBean(LogbufNanoClock.class, () -> clock).run((context) -> {
            Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
            HeldClaim held = HeldClaim.take(producer, "stalling-producer");
            try {
                // blocked, but not yet for stall-timeout (300ms) on the injected clock
                Health blocked = health(context, "audit");
                assertThat(blocked.getStatus()).isEqualTo(Status.UP);
                assertThat(blocked.getDetails()).doesNotContainKeys("stalledForMs", "stalledAtPosition");
                clock.advance(Duration.ofMillis(300));
                Health audit = health(context, "audit");
                assertThat(audit.getStatus()).isEqualTo(Status.DOWN);
                assertThat(audit.getDetails()).containsEntry("claimantThread", "stalling-producer")
                    .containsEntry("stalledAtPosition", 0L)
                    .containsEntry("stalledForMs", 300L)
                    .containsEntry("drainRunning", true);
                assertThat(health(context, "manual").getStatus()).isEqualTo(Status.UP);
            }
            finally {
                held.commit();
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Health audit = health(context, "audit");
                assertThat(audit.getStatus()).isEqualTo(Status.UP);
                assertThat(audit.getDetails()).doesNotContainKeys("stalledForMs", "stalledAtPosition",
                        "claimantThread");
            });
        });
    }

    @Test
    void drainLoopNotRunningWhileTheApplicationRunsIsDown() {
        this.runner.run((context) -> {
            RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
            drain.stop();
            Health stopped = health(context, "audit");
            assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stopped.getDetails()).containsEntry("drainRunning", false);
            drain.start();
            assertThat(health(context, "audit").getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void backsOffWhenTheHealthIndicatorIsDisabled() {
        this.runner.withPropertyValues("management.health.logbuf.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("logbufHealthContributor"));
    }

    @Test
    void backsOffWhenSpringBootHealthIsAbsent() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("logbufHealthContributor"));
    }

    @Test
    void backsOffWhenLogbufIsDisabled() {
        this.runner.withPropertyValues("logbuf.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("logbufHealthContributor"));
    }

    private static Health health(AssertableApplicationContext context, String ring) {
        CompositeHealthContributor contributor = context.getBean("logbufHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) contributor.getContributor(ring)).health(true);
    }

    /** A claim taken and held on its own named thread until {@link #commit()}. */
    static final class HeldClaim {

        private final CountDownLatch release = new CountDownLatch(1);

        private final Thread thread;

        private HeldClaim(Producer producer, String threadName, CountDownLatch claimed,
                AtomicReference<Throwable> failure) {
            this.thread = new Thread(() -> {
                try (WriteClaim claim = producer.tryClaim(8)) {
                    claimed.countDown();
                    if (this.release.await(30, TimeUnit.SECONDS)) {
                        claim.putLong(0, 42).commit();
                    }
                }
                catch (Throwable ex) {
                    failure.set(ex);
                    claimed.countDown();
                }
            }, threadName);
        }

        static HeldClaim take(Producer producer, String threadName) throws InterruptedException {
            CountDownLatch claimed = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            HeldClaim held = new HeldClaim(producer, threadName, claimed, failure);
            held.thread.start();
            assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(failure.get()).isNull();
            return held;
        }

        void commit() throws InterruptedException {
            this.release.countDown();
            this.thread.join(10_000);
        }

    }

}
