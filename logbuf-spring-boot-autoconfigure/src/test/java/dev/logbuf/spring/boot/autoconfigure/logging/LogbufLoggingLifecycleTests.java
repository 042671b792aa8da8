package dev.logbuf.spring.boot.autoconfigure.logging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.logging.LogbufLogging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's logs through the ring from start to exit (docs/logging.md "In a
 * Spring Boot application"): events logged before the application context exists, while
 * the appender takes over from Boot's console appender, and while the context closes come
 * out on standard output exactly once each, in order per thread; the ring is in the
 * registry with its appender as its only drain; Boot's logging re-initialization starts
 * the same appender on the same ring again.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogbufLoggingLifecycleTests {

    private static final Logger logger = LoggerFactory.getLogger(LogbufLoggingLifecycleTests.class);

    @Test
    void eventsBeforeTheContextAndDuringItsCloseComeOutOnceInOrderPerThread(CapturedOutput output) throws Exception {
        EarlyLogging early = new EarlyLogging(3, 3_000);
        ConfigurableApplicationContext context = LoggingApp.run(List.of(early), new Class<?>[] { Burst.class },
                "--logbuf.logging.enabled=true", "--logbuf.rings.logs.capacity=4MB");
        early.join();
        LogbufLogging logging = LoggingApp.logging(context);
        long drainedBeforeClose = logging.drain().recordsDrained();
        context.close();

        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int t = 0; t < 3; t++) {
            expected.put("early-t" + t, 3_000);
        }
        expected.put("close-t0", 2_000);
        expected.put("close-t1", 2_000);
        expected.put("close-main", 2_000);
        expected.put("closed-main", 500);
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> LoggingApp.numbered(output.getOut(), "event").values().stream().mapToInt(List::size).sum(),
                    (found) -> found >= total);
        LoggingApp.assertOnceInOrder(LoggingApp.numbered(output.getOut(), "event"), expected);
        // the close events went through the ring: the appender's drain wrote them
        assertThat(logging.drain().recordsDrained() - drainedBeforeClose).isGreaterThanOrEqualTo(6_500);
        assertThat(logging.droppedCount(Level.INFO)).isZero();
        assertThat(logging.isAttached()).as("the appender outlives the context").isTrue();
    }

    @Test
    void theRingIsInTheRegistryWithTheAppenderAsItsOnlyDrain(CapturedOutput output) {
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true",
                "--logbuf.rings.audit.drain.enabled=false")) {
            LogbufLogging logging = LoggingApp.logging(context);
            LogbufRings rings = context.getBean(LogbufRings.class);
            assertThat(rings.names()).containsExactly("audit", "logs");
            assertThat(rings.get("logs")).isSameAs(logging.ring());
            assertThat(context.containsBean("logbuf.logs.ringBuffer")).isTrue();
            assertThat(context.containsBean("logbuf.logs.producer")).isTrue();
            assertThat(context.containsBean("logbuf.logs.drain")).as("no second drain").isFalse();
            assertThat(context.containsBean("logbuf.logs.consumer")).isFalse();
            logger.info("through the registry's ring");
            // the line itself, not the counter (start-up lines already moved it)
            await().until(() -> output.getOut().contains("through the registry's ring"));
            assertThat(rings.get("logs").recordsConsumed()).isPositive();
            assertThat(rings.get("logs").drainRunning()).isTrue();
            HealthIndicator health = (HealthIndicator) context
                .getBean("logbufHealthContributor", CompositeHealthContributor.class)
                .getContributor("logs");
            Health logs = health.health();
            assertThat(logs.getStatus()).isEqualTo(Status.UP);
            assertThat(logs.getDetails()).containsKey("logging").containsEntry("drainRunning", true);
            assertThat(output.getOut()).containsOnlyOnce("through the registry's ring");
        }
    }

    @Test
    void bootsLoggingReinitializationStartsTheSameAppenderOnTheSameRingAgain(CapturedOutput output) {
        LogbufLogging first;
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true")) {
            first = LoggingApp.logging(context);
            logger.info("reinit event first 0");
        }
        try (ConfigurableApplicationContext context = LoggingApp.run("--logbuf.logging.enabled=true")) {
            LogbufLogging second = LoggingApp.logging(context);
            assertThat(second).isSameAs(first);
            assertThat(second.ring().ringBuffer()).isSameAs(first.ring().ringBuffer());
            logger.info("reinit event second 0");
            LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
            List<String> rootAppenders = new ArrayList<>();
            loggerContext.getLogger(Logger.ROOT_LOGGER_NAME)
                .iteratorForAppenders()
                .forEachRemaining((Appender<?> appender) -> rootAppenders.add(appender.getName()));
            assertThat(rootAppenders).containsOnlyOnce(LogbufLogging.APPENDER_NAME);
            await().until(() -> output.getOut().contains("reinit event second 0"));
        }
        assertThat(LoggingApp.numbered(output.getOut(), "reinit event")).containsOnlyKeys("first", "second")
            .allSatisfy((stream, numbers) -> assertThat(numbers).containsExactly(0));
    }

    /**
     * Starts threads that log numbered events once Boot has initialized logging and
     * before the starter's listener installs the appender: they run on while the console
     * appender hands over to the ring.
     */
    static final class EarlyLogging implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

        private final int threads;

        private final int events;

        private final List<Thread> started = new ArrayList<>();

        EarlyLogging(int threads, int events) {
            this.threads = threads;
            this.events = events;
        }

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            for (int t = 0; t < this.threads; t++) {
                String stream = "early-t" + t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < this.events; i++) {
                        logger.info("event {} {}", stream, i);
                    }
                }, stream);
                thread.start();
                this.started.add(thread);
            }
        }

        void join() throws InterruptedException {
            for (Thread thread : this.started) {
                thread.join();
            }
        }

        @Override
        public int getOrder() {
            // Boot's own order: added after it, so called after it and before the starter
            return LoggingApplicationListener.DEFAULT_ORDER;
        }

    }

    /** Logs a burst while the context closes, from the closing thread and two more. */
    @Configuration(proxyBeanMethods = false)
    static class Burst {

        @Bean
        DisposableBean burstOnDestroy() {
            return () -> {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String stream = "close-t" + t;
                    Thread thread = new Thread(() -> logNumbered(stream, 2_000), stream);
                    thread.start();
                    threads.add(thread);
                }
                logNumbered("close-main", 2_000);
                for (Thread thread : threads) {
                    thread.join();
                }
            };
        }

        @Bean
        ApplicationListener<ContextClosedEvent> burstOnClose() {
            return (event) -> logNumbered("closed-main", 500);
        }

        private static void logNumbered(String stream, int count) {
            for (int i = 0; i < count; i++) {
                logger.info("event {} {}", stream, i);
            }
        }

    }

}
