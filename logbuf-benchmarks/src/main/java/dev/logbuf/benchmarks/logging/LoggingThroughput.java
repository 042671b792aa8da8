package dev.logbuf.benchmarks.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code logger.info("order {} filled for {}", id, account)} call per operation, from
 * 1 and from 2 logging threads, for each contender ({@link LoggingSystems}) and sink.
 * {@code Throughput} gives events/s, {@code SampleTime} the time of one call (p99);
 * {@code -prof gc} the bytes allocated per event. At the end of each trial the logging
 * system is stopped (draining as it would at exit) and a line
 * {@code LOSS contender=... sink=... threads=... logged=N arrived=M lost=K bytesPerArrivedEvent=B}
 * is printed: what the sink counted against the calls made, and the bytes all threads
 * allocated during the trial per event that arrived ({@code -prof gc} counts per call,
 * which flatters a contender that drops before formatting).
 *
 * <pre>
 * java -jar logbuf-benchmarks/target/benchmarks.jar 'logging.LoggingThroughput' -prof gc
 * </pre>
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1,
        jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-Dlog4j2.enableThreadlocals=true", "-Dlog4j2.enableDirectEncoders=true",
                "-Dlog4j2.garbagefreeThreadContextMap=true", "-Dlog4j2.isWebapp=false",
                "-Dlog4j2.statusLoggerLevel=WARN" })
public class LoggingThroughput {

    /** The logging system under test, one per trial. */
    @State(Scope.Benchmark)
    public static class Contender {

        @Param({ "logbuf", "logbufWait", "logbackAsync", "log4j2Async" })
        public String contender;

        @Param({ "discard", "file" })
        public String sink;

        LoggingSystems.Running running;

        final List<Caller> callers = new CopyOnWriteArrayList<>();

        private Path file;

        private long allocatedAtStart;

        @Setup(Level.Trial)
        public void start() throws IOException {
            this.allocatedAtStart = allocatedBytes();
            CountingSink counting;
            if (this.sink.equals("file")) {
                this.file = Files.createTempFile("logbuf-bench-" + this.contender, ".log");
                counting = new CountingSink(LoggingSystems.fileStream(this.file));
            }
            else {
                counting = CountingSink.discarding();
            }
            this.running = switch (this.contender) {
                case "logbuf" -> LoggingSystems.logbuf(counting);
                case "logbufWait" -> LoggingSystems.logbufWait(counting);
                case "logbackAsync" -> LoggingSystems.logbackAsync(counting);
                case "log4j2Async" -> LoggingSystems.log4j2Async(counting);
                default -> throw new IllegalArgumentException("unknown contender " + this.contender);
            };
        }

        @TearDown(Level.Trial)
        public void stop() {
            this.running.stop();
            long logged = this.callers.stream().mapToLong((caller) -> caller.calls).sum();
            long arrived = this.running.sink().lines();
            long allocated = allocatedBytes() - this.allocatedAtStart;
            System.out.printf(
                    "%nLOSS contender=%s sink=%s threads=%d logged=%d arrived=%d lost=%d bytesPerArrivedEvent=%d%n",
                    this.contender, this.sink, this.callers.size(), logged, arrived, logged - arrived,
                    (arrived > 0) ? allocated / arrived : -1);
            if (this.file != null) {
                try {
                    Files.deleteIfExists(this.file);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
        }

    }

    /**
     * Bytes allocated so far by the JVM's live threads (a contender that drops before
     * formatting allocates little per call but much per event that arrives: the LOSS line
     * gives both).
     */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** One logging thread: its arguments and the calls it made. */
    @State(Scope.Thread)
    public static class Caller {

        final String[] orderIds = new String[1024];

        final String account = "ACC-0042";

        long calls;

        @Setup(Level.Trial)
        public void setUp(Contender contender) {
            for (int i = 0; i < this.orderIds.length; i++) {
                this.orderIds[i] = "ORD-" + (100_000 + i);
            }
            contender.callers.add(this);
        }

    }

    @Benchmark
    @Threads(1)
    public void oneThread(Contender contender, Caller caller) {
        contender.running.info("order {} filled for {}", caller.orderIds[(int) (caller.calls++ & 1023)],
                caller.account);
    }

    @Benchmark
    @Threads(2)
    public void twoThreads(Contender contender, Caller caller) {
        contender.running.info("order {} filled for {}", caller.orderIds[(int) (caller.calls++ & 1023)],
                caller.account);
    }

}
