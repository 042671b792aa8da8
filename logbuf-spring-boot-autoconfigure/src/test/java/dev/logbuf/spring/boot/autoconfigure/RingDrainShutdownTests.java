package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping a drain loop hands every record claimed before the stop to the handler before
 * {@code stop()} returns, bounded by {@code drain.shutdown-timeout}.
 */
class RingDrainShutdownTests {

    private static final int THREADS = 4;

    private static final int RECORDS_PER_THREAD = 25_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class);

    @Test
    void closingTheContextDrainsAHundredThousandRecordsInPerThreadOrder() {
        // 4 MiB holds all 100k records of 16 + 8 header bytes: the whole backlog is
        // still in the ring when the context closes, because the handler is held at a
        // gate
        this.runner
            .withPropertyValues("logbuf.rings.audit.capacity=4MB", "logbuf.rings.audit.handler=recordingHandler",
                    "logbuf.rings.audit.drain.shutdown-timeout=30s")
            .run((context) -> {
                RecordingHandler handler = context.getBean(RecordingHandler.class);
                CountDownLatch gate = handler.closeGate();
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                List<Thread> producers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int threadIndex = t;
                    producers.add(new Thread(() -> offerAll(producer, threadIndex), "producer-" + t));
                }
                producers.forEach(Thread::start);
                for (Thread thread : producers) {
                    thread.join();
                }
                LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
                assertThat(ring.claimsRejected()).isZero();
                assertThat(handler.records()).isEmpty();
                gate.countDown();
                context.close();
                assertThat(ring.usedBytes()).isZero();
                assertThat(handler.records()).hasSize(THREADS * RECORDS_PER_THREAD);
                int[] next = new int[THREADS];
                for (byte[] record : handler.records()) {
                    ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                    int thread = buffer.getInt(0);
                    int sequence = buffer.getInt(4);
                    assertThat(sequence).as("sequence of producer %d", thread).isEqualTo(next[thread]);
                    next[thread]++;
                }
                assertThat(next).containsOnly(RECORDS_PER_THREAD);
            });
    }

    @Test
    void stopGivesUpAfterTheShutdownTimeoutWhileTheHeadStaysClaimed() {
        this.runner
            .withPropertyValues("logbuf.rings.audit.handler=recordingHandler",
                    "logbuf.rings.audit.drain.shutdown-timeout=300ms")
            .run((context) -> {
                Producer producer = context.getBean("logbuf.audit.producer", Producer.class);
                RecordingHandler handler = context.getBean(RecordingHandler.class);
                assertThat(producer.offer(new byte[] { 1 })).isTrue();
                await().atMost(Duration.ofSeconds(5)).until(() -> handler.records().size() == 1);
                WriteClaim held = producer.tryClaim(8);
                assertThat(producer.offer(new byte[] { 2 })).isTrue();
                RingDrainLifecycle drain = context.getBean(RingDrainLifecycle.class);
                drain.stop();
                // the stop returned although the claim is still open: bounded by the
                // timeout
                assertThat(drain.isRunning()).isFalse();
                assertThat(handler.records()).hasSize(1);
                held.abort();
            });
    }

    @Test
    void drainLoopsStopAfterTheWebServerGracefulShutdownAndStartBeforeIt() {
        // lower phases start first and stop last
        assertThat(RingDrainLifecycle.PHASE).isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE)
            .isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
    }

    private static void offerAll(Producer producer, int threadIndex) {
        byte[] record = new byte[16];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        for (int sequence = 0; sequence < RECORDS_PER_THREAD; sequence++) {
            buffer.putInt(0, threadIndex).putInt(4, sequence);
            if (!producer.offer(record)) {
                throw new IllegalStateException("ring full at record " + sequence + " of producer " + threadIndex);
            }
        }
    }

}
