package dev.logbuf.spring.boot.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.TestNanoClock;
import dev.logbuf.spring.boot.autoconfigure.endpoint.LogbufEndpointAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.health.LogbufHealthContributorAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.metrics.LogbufMetricsAutoConfiguration;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint.BlockedClaimDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Claims that never finish ({@code unblock-dead-claims}): a thread that claims and ends
 * without committing or aborting blocks the ring; health says so at once
 * ({@code claimantAlive=false}), the drain loop unblocks the claim once it has blocked
 * the ring for {@code stall-timeout} (on the injected clock), counts it and logs it once,
 * and the records behind it drain. A live claimant's stack is shown by the endpoint.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeadClaimTests {

    private final TestNanoClock clock = new TestNanoClock();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                LogbufAutoConfiguration.class, LogbufHealthContributorAutoConfiguration.class,
                LogbufMetricsAutoConfiguration.class, LogbufEndpointAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withBean(LogbufNanoClock.class, () -> this.clock)
        .withPropertyValues("management.endpoints.web.exposure.include=logbuf",
                "logbuf.rings.audit.handler=recordingHandler", "logbuf.rings.audit.stall-timeout=5s");

    @Test
    void aClaimWhoseThreadEndedIsUnblockedAfterTheStallTimeoutCountedLoggedOnceAndTheRestDrains(CapturedOutput output) {
        this.runner.run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            long claimant = leakClaim(ring.producer(), "leaky-worker");
            for (int i = 1; i <= 3; i++) {
                assertThat(ring.producer().offer(("behind-" + i).getBytes())).isTrue();
            }
            // DOWN at once: nothing will ever commit a claim whose thread has ended
            Health down = health(context);
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("claimantAlive", false)
                .containsEntry("claimantThreadId", claimant)
                .containsEntry("claimantThread", "leaky-worker")
                .containsEntry("stalledAtPosition", 0L);
            assertThat(handler.records()).isEmpty();
            assertThat(ring.claimsUnblocked()).isZero();
            this.clock.advance(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> ring.claimsUnblocked() == 1);
            await().atMost(Duration.ofSeconds(10))
                .until(() -> handler.texts().equals(java.util.List.of("behind-1", "behind-2", "behind-3")));
            assertThat(health(context).getStatus()).isEqualTo(Status.UP);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("logbuf.claims.unblocked").tag("ring", "audit").functionCounter().count())
                .isEqualTo(1);
            String logged = "Logbuf ring 'audit': thread 'leaky-worker' (id " + claimant
                    + ") ended without committing or aborting its claim at position 0, which had blocked the ring"
                    + " for 5000 ms";
            assertThat(output.getAll().split(java.util.regex.Pattern.quote(logged), -1)).hasSize(2);
            assertThat(output).contains("ERROR");
        });
    }

    @Test
    void withUnblockDeadClaimsOffTheDeadClaimStaysAndTheRingStaysDown() {
        // the stop cannot drain past the dead claim: it gives up after its timeout (on
        // the injected clock, which stands still, and then its grace second)
        this.runner
            .withPropertyValues("logbuf.rings.audit.unblock-dead-claims=false",
                    "logbuf.rings.audit.drain.shutdown-timeout=100ms")
            .run((context) -> {
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                leakClaim(ring.producer(), "leaky-worker");
                assertThat(ring.producer().offer("behind".getBytes())).isTrue();
                // the ring measures a stall from when it first sees it
                assertThat(health(context).getDetails()).containsEntry("stalledForMs", 0L);
                this.clock.advance(Duration.ofSeconds(60));
                // the loop keeps turning: give it real time to (not) act
                long drainedBefore = ring.recordsConsumed();
                await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> ring.claimsUnblocked() == 0 && ring.recordsConsumed() == drainedBefore);
                Health down = health(context);
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsEntry("claimantAlive", false)
                    .containsEntry("stalledForMs", 60_000L);
                assertThat(context.getBean(LogbufEndpoint.class).ring("audit").unblockDeadClaims()).isFalse();
            });
    }

    @Test
    void theEndpointShowsALiveClaimantsCurrentStack() throws Exception {
        this.runner.run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch claimed = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (WriteClaim claim = ring.producer().tryClaim(8)) {
                    claimed.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    claim.putLong(0, 1).commit();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "slow-holder");
            holder.start();
            assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
            // the stack below must show the holder parked, not still in countDown()
            await().atMost(Duration.ofSeconds(10)).until(() -> holder.getState() == Thread.State.TIMED_WAITING);
            try {
                LogbufEndpoint endpoint = context.getBean(LogbufEndpoint.class);
                assertThat(endpoint.ring("audit").blockedClaim().stalled()).isFalse();
                this.clock.advance(Duration.ofSeconds(5));
                BlockedClaimDescriptor blocked = context.getBean(LogbufEndpoint.class).ring("audit").blockedClaim();
                assertThat(blocked.stalled()).isTrue();
                assertThat(blocked.claimantAlive()).isTrue();
                assertThat(blocked.claimantThread()).isEqualTo("slow-holder");
                assertThat(blocked.claimantThreadId()).isEqualTo(holder.getId());
                assertThat(blocked.claimantStack()).isNotEmpty()
                    .anySatisfy((frame) -> assertThat(frame).contains("CountDownLatch.await"))
                    .anySatisfy((frame) -> assertThat(frame).contains(DeadClaimTests.class.getName()));
                assertThat(blocked.claimantStackUnavailable()).isNull();
            }
            finally {
                release.countDown();
                holder.join();
            }
        });
    }

    @Test
    void aVirtualThreadClaimantIsNamedAndItsStackIsSaidToNeedAThreadDump() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
        this.runner.run((context) -> {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch claimed = new CountDownLatch(1);
            Thread holder = virtualThread("virtual-holder", () -> {
                try (WriteClaim claim = ring.producer().tryClaim(8)) {
                    claimed.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    claim.putLong(0, 1).commit();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                BlockedClaimDescriptor blocked = context.getBean(LogbufEndpoint.class).ring("audit").blockedClaim();
                assertThat(blocked.claimantThread()).isEqualTo("virtual-holder");
                assertThat(blocked.claimantAlive()).isTrue();
                assertThat(blocked.claimantStack()).isNull();
                assertThat(blocked.claimantStackUnavailable()).contains("virtual thread")
                    .contains("Thread.dump_to_file");
            }
            finally {
                release.countDown();
                holder.join();
            }
        });
    }

    /** Claims on a new thread that then ends without committing or aborting. */
    private static long leakClaim(Producer producer, String threadName) throws InterruptedException {
        Thread thread = new Thread(() -> assertThat(producer.tryClaim(8)).isNotNull(), threadName);
        thread.start();
        thread.join();
        return thread.getId();
    }

    /**
     * {@code Thread.ofVirtual().name(name).start(task)}, by reflection: Java 17 bytecode.
     */
    private static Thread virtualThread(String name, Runnable task) throws Exception {
        // through the public interface Thread.Builder: its implementation is not open
        Class<?> threadBuilder = Class.forName("java.lang.Thread$Builder");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        builder = threadBuilder.getMethod("name", String.class).invoke(builder, name);
        Method start = threadBuilder.getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }

    private static Health health(AssertableApplicationContext context) {
        CompositeHealthContributor contributor = context.getBean("logbufHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) contributor.getContributor("audit")).health(true);
    }

}
