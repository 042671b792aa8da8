package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API.md, "Round 2 additions", "Claims that never finish": "Any per-ring claimant
 * bookkeeping stays bounded (by open claims or capacity), never growing with the number
 * of threads that ever claimed", and "MPSC producers work from virtual threads (one per
 * task) with the same guarantees; no per-thread state that keeps a discarded ring
 * reachable".
 *
 * <p>
 * Bounded is shown by what the ring keeps alive: every claiming thread is watched through
 * a {@link WeakReference}; once they have all ended, the ring may keep at most two
 * terminated threads per slot of its claimant table (the slot's holder and the last owner
 * of its reusable claim object; the table's size is read reflectively, the only thing
 * these tests take from the implementation), far fewer than the threads that claimed. And
 * the table still works: a thread that claims after all of them is named and can be
 * unblocked.
 */
class ClaimantTableTest {

    private static final byte[] PAYLOAD = Rings.payload(8, 1);

    @Test
    void hundredThousandVirtualThreadsEachClaimingOnceLeaveTheTableAtItsSize() throws Exception {
        ClaimantThread.assumeVirtualThreads();
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
            .invoke(null);
        try {
            claimOncePerThread(100_000, executor);
        }
        finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void tenThousandShortLivedPlatformThreadsEachClaimingOnceLeaveTheTableAtItsSize() throws Exception {
        // a new platform thread per task, as an unbounded thread-per-request server
        // would
        claimOncePerThread(10_000, (task) -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            thread.start();
            return thread;
        });
    }

    private static void claimOncePerThread(int threads, ExecutorService executor) throws Exception {
        claimOncePerThread(threads, (task) -> {
            Future<?> future = executor.submit(task);
            return future;
        });
    }

    /**
     * Starts {@code threads} tasks through {@code start}, each on its own thread, each
     * committing one record with {@code tryClaim} or {@code offer}; drains them on this
     * thread; then checks what the ring retains and that it still names a new claimant.
     */
    private static void claimOncePerThread(int threads, Function<Runnable, Object> start) throws Exception {
        RingBuffer ring = RingBuffer.mpsc(64 * 1024);
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        AtomicReferenceArray<WeakReference<Thread>> claimants = new AtomicReferenceArray<>(threads);
        int batch = 1000;
        long drained = 0;
        for (int first = 0; first < threads; first += batch) {
            List<Object> handles = new ArrayList<>();
            int end = Math.min(threads, first + batch);
            for (int i = first; i < end; i++) {
                int index = i;
                handles.add(start.apply(() -> {
                    claimants.set(index, new WeakReference<>(Thread.currentThread()));
                    if (index % 2 == 0) {
                        WriteClaim claim;
                        while ((claim = producer.tryClaim(PAYLOAD.length)) == null) {
                            Thread.yield();
                        }
                        claim.putBytes(0, PAYLOAD, 0, PAYLOAD.length).commit();
                    }
                    else {
                        while (!producer.offer(PAYLOAD)) {
                            Thread.yield();
                        }
                    }
                }));
            }
            while (drained < end) {
                drained += consumer.drain((buffer, offset, length) -> {
                });
                Thread.yield();
            }
            for (Object handle : handles) {
                join(handle);
            }
            handles.clear(); // keep no thread (or future) of this test reachable
        }
        assertThat(drained).isEqualTo(threads);
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());

        int tableSize = claimantTableSize(ring);
        assertThat(tableSize).isLessThan(threads);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            System.gc();
            long retained = 0;
            for (int i = 0; i < threads; i++) {
                if (claimants.get(i).get() != null) {
                    retained++;
                }
            }
            // A slot holds its thread, and its reusable claim object remembers the thread
            // of its last tryClaim (a later holder that only offers leaves it there):
            // two per slot at most, however many threads ever claimed.
            assertThat(retained).as("terminated claimant threads still reachable (table of %d slots)", tableSize)
                .isLessThanOrEqualTo(2L * tableSize);
        });

        // the table still names, and lets the consumer unblock, a thread that claims now
        ClaimantThread late = ClaimantThread.platform("claims-after-" + threads);
        late.run(() -> producer.tryClaim(8));
        late.end();
        BlockedClaim blocked = ring.blockedClaim().orElseThrow();
        assertThat(blocked.claimantThreadName()).isEqualTo("claims-after-" + threads);
        assertThat(blocked.claimantAlive()).isFalse();
        assertThat(consumer.unblock(blocked)).isTrue();
    }

    private static void join(Object handle) throws Exception {
        if (handle instanceof Future<?> future) {
            future.get(60, TimeUnit.SECONDS);
        }
        else {
            Thread thread = (Thread) handle;
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(thread.isAlive()).isFalse();
        }
    }

    /** The number of slots in the ring's claimant table (implementation detail). */
    private static int claimantTableSize(RingBuffer ring) throws ReflectiveOperationException {
        Field claimants = RingBuffer.class.getDeclaredField("claimants");
        claimants.setAccessible(true);
        Field slots = Claimants.class.getDeclaredField("slots");
        slots.setAccessible(true);
        return ((Object[]) slots.get(claimants.get(ring))).length;
    }

    @ParameterizedTest
    @EnumSource(RingBuffer.Type.class)
    void discardedRingIsCollectableWhilePoolThreadsThatClaimedOnItLiveOn(RingBuffer.Type type) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool((type == RingBuffer.Type.SPSC) ? 1 : 4);
        try {
            WeakReference<RingBuffer> discarded = useAndDiscard(type, pool);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                System.gc();
                return discarded.get() == null;
            });
            assertThat(pool.submit(() -> "still alive").get(10, TimeUnit.SECONDS)).isEqualTo("still alive");
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void discardedRingIsCollectableWhileTheCarriersOfVirtualThreadsThatClaimedOnItLiveOn() throws Exception {
        ClaimantThread.assumeVirtualThreads();
        ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
            .invoke(null);
        try {
            WeakReference<RingBuffer> discarded = useAndDiscard(RingBuffer.Type.MPSC, virtual);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                System.gc();
                return discarded.get() == null;
            });
        }
        finally {
            virtual.shutdownNow();
        }
    }

    /**
     * Claims on a new ring from the executor's threads (one of them leaves its claim
     * open), drains it, and drops every reference to it but a weak one.
     */
    private static WeakReference<RingBuffer> useAndDiscard(RingBuffer.Type type, ExecutorService executor)
            throws Exception {
        RingBuffer ring = Rings.ring(type, 4096);
        Producer producer = ring.producer();
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tasks.add(executor.submit(() -> Rings.write(producer, PAYLOAD)));
            for (Future<?> task : tasks) {
                task.get(10, TimeUnit.SECONDS); // SPSC: one claim at a time
            }
        }
        executor.submit(() -> producer.tryClaim(8).putLong(0, 1)).get(10, TimeUnit.SECONDS);
        assertThat(Rings.drainAll(ring.consumer())).hasSize(16);
        assertThat(ring.blockedClaim()).as("the leaked claim").isPresent();
        return new WeakReference<>(ring);
    }

}
