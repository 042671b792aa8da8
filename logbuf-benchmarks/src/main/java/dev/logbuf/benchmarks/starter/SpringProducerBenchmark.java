package dev.logbuf.benchmarks.starter;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import dev.logbuf.spring.boot.RingProducer;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;

/**
 * The injected {@code @Qualifier("bench") Producer} bean of the starter next to the
 * ring's own core producer: one thread claims, writes 64 bytes and commits (or offers),
 * and drains the ring whenever it is full, so both variants pay the same amortized drain.
 * The difference between the two scores is the cost of the bean: a decorator that counts
 * only rejected claims, checks that the drain is not stopping, and for an SPSC ring
 * checks that the calling thread owns the producer.
 *
 * <p>
 * MPSC: both variants write to the starter's ring. SPSC: the ring's one producer is the
 * bean's, so the core variant writes to a ring of its own with the same capacity.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SpringProducerBenchmark {

    private static final int RECORD_LENGTH = 64;

    /**
     * {@code core}: {@code RingBuffer.producer()}; {@code bean}: the starter's injected
     * Producer.
     */
    @Param({ "core", "bean" })
    public String producer;

    /** The ring's type: {@code mpsc} or {@code spsc}. */
    @Param({ "mpsc", "spsc" })
    public String type;

    private ConfigurableApplicationContext context;

    private Producer target;

    private Consumer consumer;

    private final byte[] payload = new byte[RECORD_LENGTH];

    private long sequence;

    private long digest;

    private final RecordHandler sink = (buffer, offset, length) -> digest += buffer.getLong(offset);

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(LogbufAutoConfiguration.class)
    static class BenchApplication {

    }

    @Setup(Level.Trial)
    public void start() {
        context = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties("logbuf.rings.bench.type=" + type, "logbuf.rings.bench.capacity=64KB",
                    "logbuf.rings.bench.drain.enabled=false", "logging.level.root=WARN")
            .run();
        RingBuffer ring = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), RingBuffer.class,
                "bench");
        if ("bean".equals(producer)) {
            target = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), Producer.class, "bench");
            consumer = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), Consumer.class,
                    "bench");
        }
        else if ("spsc".equals(type)) {
            RingBuffer own = RingBuffer.spsc(ring.capacity());
            target = own.producer();
            consumer = own.consumer();
        }
        else {
            target = ring.producer();
            consumer = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), Consumer.class,
                    "bench");
        }
    }

    /**
     * JMH may run the next iteration on another thread: the SPSC bean's owner hands it
     * over.
     */
    @TearDown(Level.Iteration)
    public void releaseProducer() {
        if (target instanceof RingProducer bean) {
            bean.release();
        }
    }

    @TearDown(Level.Trial)
    public void stop(Blackhole blackhole) {
        blackhole.consume(digest);
        context.close();
    }

    @Benchmark
    public void claimCommit() {
        WriteClaim claim = target.tryClaim(RECORD_LENGTH);
        if (claim == null) {
            consumer.drain(sink);
            claim = target.tryClaim(RECORD_LENGTH);
        }
        claim.putLong(0, sequence++).commit();
    }

    @Benchmark
    public void offer() {
        payload[0] = (byte) sequence++;
        if (!target.offer(payload)) {
            consumer.drain(sink);
            target.offer(payload);
        }
    }

}
