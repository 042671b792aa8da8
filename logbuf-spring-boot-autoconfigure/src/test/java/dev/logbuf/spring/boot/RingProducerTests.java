package dev.logbuf.spring.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.logbuf.Consumer;
import dev.logbuf.ReadClaim;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Producer bean of a ring: one owning thread for an SPSC ring, handed over by
 * {@link RingProducer#release()} or by the owner's end; any threads for an MPSC ring.
 */
class RingProducerTests {

    private final RingBuffer spsc = RingBuffer.spsc(4096);

    private final RingProducer producer = new RingProducer("ticks", RingBuffer.Type.SPSC, this.spsc.producer());

    @Test
    void aSecondThreadIsRefusedNamingTheRingAndBothThreadsAndWritesNothing() throws Exception {
        assertThat(this.producer.offer(new byte[] { 1 })).isTrue();
        long position = this.spsc.producerPosition();
        String owner = Thread.currentThread().getName();
        Throwable refused = onThread("intruder", () -> this.producer.tryClaim(8));
        assertThat(refused).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("SPSC ring 'ticks' belongs to thread '" + owner + "'")
            .hasMessageContaining("thread 'intruder'")
            .hasMessageContaining("logbuf.rings.ticks.type=mpsc")
            .hasMessageContaining("RingProducer.release()");
        assertThat(onThread("intruder", () -> this.producer.offer(new byte[] { 2 })))
            .isInstanceOf(IllegalStateException.class);
        assertThat(this.spsc.producerPosition()).isEqualTo(position);
    }

    @Test
    void theOwnerReleasesAndTheNextThreadWrites() throws Exception {
        assertThat(this.producer.offer(new byte[] { 1 })).isTrue();
        this.producer.release();
        assertThat(onThread("next", () -> {
            try (WriteClaim claim = this.producer.tryClaim(1)) {
                claim.putByte(0, (byte) 2).commit();
            }
            this.producer.release();
        })).isNull();
        // released again by "next": this thread takes it back
        assertThat(this.producer.offer(new byte[] { 3 })).isTrue();
        assertThat(drained()).containsExactly(1, 2, 3);
    }

    @Test
    void aTerminatedOwnersProducerIsTakenOverByTheNextThread() throws Exception {
        assertThat(onThread("first", () -> this.producer.offer(new byte[] { 1 }))).isNull();
        // "first" has ended without release(): its end hands the producer over
        assertThat(this.producer.offer(new byte[] { 2 })).isTrue();
        assertThat(drained()).containsExactly(1, 2);
    }

    @Test
    void releaseByAThreadThatDoesNotOwnTheProducerIsRefused() throws Exception {
        assertThat(this.producer.offer(new byte[] { 1 })).isTrue();
        assertThat(onThread("other", this.producer::release)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("thread 'other'")
            .hasMessageContaining("may not release");
        // nobody owns it: release does nothing
        this.producer.release();
        this.producer.release();
    }

    @Test
    void anMpscProducerBeanIsUsedByAnyThreads() throws Exception {
        RingBuffer mpsc = RingBuffer.mpsc(64 * 1024);
        RingProducer shared = new RingProducer("events", RingBuffer.Type.MPSC, mpsc.producer());
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            writers.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(shared.offer(new byte[8])).isTrue();
                }
            }));
        }
        go.countDown();
        for (CompletableFuture<Void> writer : writers) {
            writer.get(30, TimeUnit.SECONDS);
        }
        assertThat(mpsc.producerPosition()).isEqualTo(400L * 16);
        shared.release();
    }

    private List<Integer> drained() {
        Consumer consumer = this.spsc.consumer();
        List<Integer> values = new ArrayList<>();
        for (ReadClaim claim = consumer.tryRead(); claim != null; claim = consumer.tryRead()) {
            values.add((int) claim.getByte(0));
            claim.close();
        }
        return values;
    }

    /** Runs {@code action} on a new thread and returns what it threw, or null. */
    private static Throwable onThread(String name, Runnable action) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
                done.complete(null);
            }
            catch (Throwable ex) {
                done.completeExceptionally(ex);
            }
        }, name);
        thread.start();
        thread.join();
        try {
            done.get();
            return null;
        }
        catch (ExecutionException ex) {
            return ex.getCause();
        }
    }

}
