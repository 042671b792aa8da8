package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.logbuf.Producer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Producer bean of an SPSC ring used from many threads, as a controller would use it:
 * it must never lose a record it reported accepted; a second thread is refused loudly.
 */
class SpscProducerBeanTests {

    private static final int THREADS = 8;

    private static final int RECORDS_PER_THREAD = 50_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LogbufAutoConfiguration.class))
        .withBean("recordingHandler", RecordingHandler.class)
        .withPropertyValues("logbuf.rings.ticks.type=spsc", "logbuf.rings.ticks.capacity=8MB",
                "logbuf.rings.ticks.handler=recordingHandler", "logbuf.rings.ticks.drain.shutdown-timeout=10s");

    @Test
    void manyThreadsOnAnSpscProducerBeanLoseNothingTheyWereToldWasAccepted() {
        this.runner.run((context) -> {
            Producer producer = context.getBean("logbuf.ticks.producer", Producer.class);
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            AtomicLong accepted = new AtomicLong();
            Map<String, RuntimeException> refused = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int index = t;
                threads.add(new Thread(() -> {
                    byte[] record = new byte[16];
                    ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                    try {
                        go.await();
                        for (int sequence = 0; sequence < RECORDS_PER_THREAD; sequence++) {
                            buffer.putInt(0, index).putInt(4, sequence);
                            if (producer.offer(record)) {
                                accepted.incrementAndGet();
                            }
                        }
                    }
                    catch (RuntimeException ex) {
                        refused.put(Thread.currentThread().getName(), ex);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }, "request-" + t));
            }
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            context.close();
            // every record reported accepted reached the handler, whole and in order
            List<byte[]> records = handler.records();
            assertThat(records).hasSize((int) accepted.get());
            int[] next = new int[THREADS];
            for (byte[] record : records) {
                ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                int thread = buffer.getInt(0);
                assertThat(buffer.getInt(4)).as("sequence of thread %d", thread).isEqualTo(next[thread]);
                next[thread]++;
            }
            // one thread owned the producer; every other one was refused at its first
            // offer, naming the ring and both threads
            assertThat(refused).hasSize(THREADS - 1);
            String owner = "request-" + indexOfOwner(next);
            assertThat(refused).doesNotContainKey(owner);
            refused.forEach((thread, ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SPSC ring 'ticks'")
                .hasMessageContaining("'" + thread + "'")
                .hasMessageContaining("'" + owner + "'"));
            assertThat(accepted.get()).isEqualTo(RECORDS_PER_THREAD);
        });
    }

    private static int indexOfOwner(int[] next) {
        for (int i = 0; i < next.length; i++) {
            if (next[i] > 0) {
                return i;
            }
        }
        throw new AssertionError("no thread wrote a record");
    }

}
