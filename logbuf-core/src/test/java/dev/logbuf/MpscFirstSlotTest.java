package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MPSC producer keeps the claimant slot of the first thread that claimed and checks
 * it before looking the calling thread up in the claimant table (issue 15: fewer
 * instructions per claim). A claim must still carry its own thread's slot: every
 * {@code blockedClaim()} below names the thread that holds the claim, whichever thread
 * claimed first and whether or not it is still alive. Were the kept slot handed to
 * another thread, that thread's claim would be named after the first one.
 */
class MpscFirstSlotTest {

    /** A thread that runs the tasks it is given, one at a time, until closed. */
    private static final class Worker implements AutoCloseable {

        private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(4);

        private final Thread thread;

        Worker(String name) {
            this.thread = new Thread(() -> {
                try {
                    for (Runnable task = this.tasks.take(); task != STOP; task = this.tasks.take()) {
                        task.run();
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            this.thread.start();
        }

        /** Runs {@code task} on this worker and waits for it. */
        <T> T call(java.util.function.Supplier<T> task) throws InterruptedException {
            BlockingQueue<Object> result = new ArrayBlockingQueue<>(1);
            this.tasks.put(() -> result.add(task.get()));
            Object value = result.poll(30, TimeUnit.SECONDS);
            assertThat(value).as("%s answered", this.thread.getName()).isNotNull();
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            return typed;
        }

        long id() {
            return Claimants.idOf(this.thread);
        }

        @Override
        public void close() throws InterruptedException {
            this.tasks.put(STOP);
            this.thread.join();
        }

        private static final Runnable STOP = () -> {
        };

    }

    private static BlockedClaim blocked(RingBuffer ring) {
        return ring.blockedClaim().orElseThrow(() -> new AssertionError("no blocked claim"));
    }

    @Test
    void aClaimIsNamedAfterItsOwnThreadNotAfterTheFirstClaimant() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        try (Worker first = new Worker("first-claimant"); Worker second = new Worker("second-claimant")) {
            WriteClaim firstClaim = first.call(() -> producer.tryClaim(8));
            assertThat(blocked(ring).claimantThreadName()).isEqualTo("first-claimant");
            assertThat(blocked(ring).claimantThreadId()).isEqualTo(first.id());
            first.call(() -> {
                firstClaim.commit();
                return true;
            });
            assertThat(Rings.drainAll(consumer)).hasSize(1);

            WriteClaim secondClaim = second.call(() -> producer.tryClaim(8));
            assertThat(blocked(ring).claimantThreadName()).isEqualTo("second-claimant");
            assertThat(blocked(ring).claimantThreadId()).isEqualTo(second.id());
            second.call(() -> {
                secondClaim.commit();
                return true;
            });

            WriteClaim again = first.call(() -> producer.tryClaim(8));
            assertThat(Rings.drainAll(consumer)).hasSize(1);
            assertThat(blocked(ring).claimantThreadId()).isEqualTo(first.id());
            first.call(() -> {
                again.commit();
                return true;
            });
            assertThat(Rings.drainAll(consumer)).hasSize(1);
        }
    }

    @Test
    void threadsClaimingAfterTheFirstClaimantTerminatedAreNamedAfterThemselves() throws InterruptedException {
        RingBuffer ring = RingBuffer.mpsc(1024);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        try (Worker first = new Worker("gone")) {
            first.call(() -> producer.offer(new byte[] { 1 }));
        }
        assertThat(Rings.drainAll(consumer)).hasSize(1);
        for (int i = 0; i < 5; i++) {
            try (Worker next = new Worker("later-" + i)) {
                WriteClaim claim = next.call(() -> producer.tryClaim(8));
                BlockedClaim blocked = blocked(ring);
                assertThat(blocked.claimantThreadName()).isEqualTo("later-" + i);
                assertThat(blocked.claimantThreadId()).isEqualTo(next.id());
                assertThat(blocked.claimantAlive()).isTrue();
                next.call(() -> {
                    claim.commit();
                    return true;
                });
            }
            assertThat(Rings.drainAll(consumer)).hasSize(1);
        }
    }

}
