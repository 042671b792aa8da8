package dev.logbuf.benchmarks.claims;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.benchmarks.Idler;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.Workload;
import java.lang.reflect.InvocationTargetException;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocation per record of an MPSC ring's producer path, from platform threads and from
 * virtual threads, one per task (what Spring Boot's
 * {@code spring.threads.virtual.enabled=true} does for every request). Run it with
 * {@code -prof gc} and read {@code gc.alloc.rate.norm}: one operation is one record.
 *
 * <ul>
 * <li>{@code platformClaimCommit}, {@code platformOffer}: two long-lived JMH threads
 * write records ({@code tryClaim/putBytes/commit}, or {@code offer(byte[])}); the target
 * is 0 B/op.</li>
 * <li>{@code virtualClaimCommit}, {@code virtualOffer}: each invocation starts
 * {@value #TASKS} virtual threads that write one record each, and joins them; the figure
 * includes what creating, starting and ending a virtual thread allocates, which
 * {@code virtualBaseline} (the same tasks writing the payload into an array instead of a
 * ring) measures alone. The ring's own share is the difference.</li>
 * </ul>
 * For the platform benchmarks a platform consumer thread drains the ring in the
 * background; the virtual-thread benchmarks drain on the benchmark thread after each
 * invocation ({@link VirtualThreads}). Draining allocates nothing. The virtual-thread
 * benchmarks need JDK 21 or later: on JDK 17 their setup fails with a message saying so
 * (exclude them with a pattern such as {@code 'claims.*platform'}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClaimAllocation {

    /** Records (virtual threads) per invocation of the virtual-thread benchmarks. */
    public static final int TASKS = 64;

    /** The MPSC ring and the platform thread that drains it. */
    @State(Scope.Benchmark)
    public static class Ring {

        @Param({ "64" })
        public int recordLength;

        Producer producer;

        byte[] payload;

        private volatile boolean running;

        private Thread drainer;

        @Setup(Level.Trial)
        public void start() {
            RingBuffer ring = RingBuffer.mpsc(Workload.RING_CAPACITY);
            this.producer = ring.producer();
            this.payload = new byte[this.recordLength];
            new SplittableRandom(this.recordLength).nextBytes(this.payload);
            Consumer consumer = ring.consumer();
            long[] digest = new long[1];
            RecordHandler handler = (buffer, offset, length) -> digest[0] += PayloadDigest.of(buffer, offset, length);
            this.running = true;
            this.drainer = new Thread(() -> {
                Idler idler = new Idler();
                while (this.running) {
                    if (consumer.drain(handler, Workload.DRAIN_BATCH) == 0) {
                        idler.miss();
                    }
                    else {
                        idler.hit();
                    }
                }
            }, "claim-allocation-drainer");
            this.drainer.setDaemon(true);
            this.drainer.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            this.running = false;
            this.drainer.join();
        }

        void claimCommit(Idler idler) {
            WriteClaim claim;
            while ((claim = this.producer.tryClaim(this.payload.length)) == null) {
                idler.miss();
            }
            idler.hit();
            claim.putBytes(0, this.payload, 0, this.payload.length);
            claim.commit();
        }

        void offer(Idler idler) {
            while (!this.producer.offer(this.payload)) {
                idler.miss();
            }
            idler.hit();
        }

    }

    /**
     * A factory of virtual threads ({@code Thread.ofVirtual().factory()}, found
     * reflectively: this module is compiled for Java 17), reusable tasks, and an MPSC
     * ring of its own that the benchmark thread drains after each invocation's threads
     * have ended: the ring never fills, so no virtual thread ever waits for room (a yield
     * unmounts it, which allocates, and a background drainer competing for two cores
     * makes that happen), and what is measured is the write path alone.
     */
    @State(Scope.Thread)
    public static class VirtualThreads {

        @Param({ "64" })
        public int recordLength;

        ThreadFactory factory;

        private Consumer consumer;

        private long digest;

        private final RecordHandler handler = (buffer, offset,
                length) -> this.digest += PayloadDigest.of(buffer, offset, length);

        final Thread[] threads = new Thread[TASKS];

        Runnable[] claimCommit;

        Runnable[] offer;

        Runnable[] baseline;

        final byte[][] sinks = new byte[TASKS][];

        @Setup(Level.Trial)
        public void setUp() {
            if (Runtime.version().feature() < 21) {
                throw new UnsupportedOperationException("the virtual-thread benchmarks need JDK 21 or later; this JVM"
                        + " is " + Runtime.version() + ": run them with JAVA_HOME set to a JDK 21+, or exclude them"
                        + " with the pattern 'claims.*platform'");
            }
            try {
                Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
                this.factory = (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory")
                    .invoke(builder);
            }
            catch (InvocationTargetException ex) {
                throw new IllegalStateException(ex.getCause());
            }
            catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("no virtual threads on " + Runtime.version(), ex);
            }
            Ring ring = new Ring();
            ring.recordLength = this.recordLength;
            RingBuffer mpsc = RingBuffer.mpsc(Workload.RING_CAPACITY);
            ring.producer = mpsc.producer();
            ring.payload = new byte[this.recordLength];
            new SplittableRandom(this.recordLength).nextBytes(ring.payload);
            this.consumer = mpsc.consumer();
            this.claimCommit = new Runnable[TASKS];
            this.offer = new Runnable[TASKS];
            this.baseline = new Runnable[TASKS];
            for (int i = 0; i < TASKS; i++) {
                int task = i;
                this.sinks[i] = new byte[ring.payload.length];
                Idler idler = new Idler();
                this.claimCommit[i] = () -> ring.claimCommit(idler);
                this.offer[i] = () -> ring.offer(idler);
                this.baseline[i] = () -> System.arraycopy(ring.payload, 0, this.sinks[task], 0, ring.payload.length);
            }
        }

        /**
         * One virtual thread per task: start them all, join them all, then drain what
         * they wrote.
         */
        long run(Runnable[] tasks) throws InterruptedException {
            for (int i = 0; i < TASKS; i++) {
                Thread thread = this.factory.newThread(tasks[i]);
                this.threads[i] = thread;
                thread.start();
            }
            for (int i = 0; i < TASKS; i++) {
                this.threads[i].join();
                this.threads[i] = null;
            }
            this.consumer.drain(this.handler, Workload.DRAIN_BATCH);
            return this.digest;
        }

    }

    @Benchmark
    @Threads(2)
    public void platformClaimCommit(Ring ring, Idler idler) {
        ring.claimCommit(idler);
    }

    @Benchmark
    @Threads(2)
    public void platformOffer(Ring ring, Idler idler) {
        ring.offer(idler);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualClaimCommit(VirtualThreads virtual) throws InterruptedException {
        return virtual.run(virtual.claimCommit);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualOffer(VirtualThreads virtual) throws InterruptedException {
        return virtual.run(virtual.offer);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long virtualBaseline(VirtualThreads virtual) throws InterruptedException {
        return virtual.run(virtual.baseline);
    }

}
