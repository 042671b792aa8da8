package dev.logbuf.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The short side-by-side comparison: runs a chosen subset of the benchmarks through the
 * JMH API (with the GC profiler), writes JMH's JSON and log under the results directory,
 * and prints one table per question (throughput, allocation, bytes/s against memcpy,
 * producer latency) with the ratio of logbuf to each contender and a line per target of
 * issue 4.
 *
 * <p>
 * Usage:
 * {@code java -cp benchmarks.jar dev.logbuf.benchmarks.Comparison [--smoke] [--results DIR]}.
 * {@code --smoke} runs every part once at 64 bytes with one short iteration (a check that
 * the harness works, not a measurement).
 */
public final class Comparison {

    private static final String PACKAGE = "dev.logbuf.benchmarks.";

    /**
     * A contender: its label and the simple names of its throughput and latency classes.
     */
    record Contender(String label, String throughput, String latency) {
    }

    static final List<Contender> CONTENDERS = List.of(new Contender("logbuf", "LogbufThroughput", "LogbufWriteLatency"),
            new Contender("agrona", "AgronaThroughput", "AgronaWriteLatency"),
            new Contender("jctools", "JctoolsThroughput", "JctoolsWriteLatency"),
            new Contender("abq", "BlockingQueueThroughput", "BlockingQueueWriteLatency"));

    /**
     * One JMH run: the benchmarks it includes, the record lengths it runs them with, and
     * its forks. The ring-to-ring throughput parts get two forks: a producer and a
     * consumer on two cores settle, per JVM, into one of a few steady states (how far the
     * consumer trails), and one fork can land in a poor one.
     */
    record Part(String name, List<String> includes, List<Integer> recordLengths, int forks) {
    }

    static final List<Integer> ALL_LENGTHS = List.of(16, 64, 256, 1024, 2048);

    static final List<Part> PARTS = List.of(new Part("spsc", List.of("\\.throughput\\.\\w+\\.spsc$"), ALL_LENGTHS, 2),
            new Part("memcpy", List.of("\\.baseline\\.MemcpyBaseline\\.copy$"), ALL_LENGTHS, 1),
            new Part("mpsc2", List.of("\\.throughput\\.\\w+\\.mpsc2$"), List.of(64, 2048), 2),
            new Part("mpsc1", List.of("\\.throughput\\.\\w+\\.mpsc1$", "\\.throughput\\.LogbufThroughput\\.spscOffer$"),
                    List.of(64), 1),
            new Part("latency", List.of("\\.latency\\.\\w+\\.(spsc|mpsc2)$"), List.of(64), 1));

    /** Results keyed by "SimpleClass.group@recordLength". */
    private final Map<String, RunResult> results = new LinkedHashMap<>();

    private final PrintStream out;

    private Comparison(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws RunnerException {
        boolean smoke = false;
        Path resultsDir = Paths.get("logbuf-benchmarks", "results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--results" -> resultsDir = Paths.get(args[++i]);
                default -> {
                    System.err.println("usage: Comparison [--smoke] [--results DIR]");
                    System.exit(2);
                }
            }
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
        try {
            Files.createDirectories(resultsDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Comparison comparison = new Comparison(System.out);
        long started = System.nanoTime();
        for (Part part : PARTS) {
            comparison.run(part, smoke, resultsDir, stamp);
        }
        String tables = comparison.tables(smoke, (System.nanoTime() - started) / 1_000_000_000L);
        System.out.print(tables);
        Path summary = resultsDir.resolve(stamp + "-summary.txt");
        try {
            Files.writeString(summary, tables, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("JMH JSON: " + resultsDir.resolve(stamp + "-*.json") + "; JMH log: "
                + resultsDir.resolve(stamp + "-*-jmh.log") + "; this summary: " + summary);
    }

    private void run(Part part, boolean smoke, Path resultsDir, String stamp) throws RunnerException {
        List<Integer> lengths = smoke ? List.of(64) : part.recordLengths();
        ChainedOptionsBuilder options = new OptionsBuilder()
            .param("recordLength", lengths.stream().map(String::valueOf).toArray(String[]::new))
            .addProfiler(GCProfiler.class)
            .forks(smoke ? 1 : part.forks())
            .warmupIterations(1)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(smoke ? 1 : 3)
            .measurementTime(TimeValue.seconds(1))
            .shouldFailOnError(!Boolean.getBoolean("comparison.keepGoing"))
            .result(resultsDir.resolve(stamp + "-" + part.name() + ".json").toString())
            .resultFormat(ResultFormatType.JSON)
            .output(resultsDir.resolve(stamp + "-" + part.name() + "-jmh.log").toString());
        for (String include : part.includes()) {
            options.include("^" + PACKAGE.replace(".", "\\.") + include.substring(2));
        }
        out.printf(Locale.ROOT, "[%s] running part '%s' (record lengths %s)...%n",
                ZonedDateTime.now(ZoneOffset.UTC).toLocalTime().withNano(0), part.name(), lengths);
        Collection<RunResult> runResults = new Runner(options.build()).run();
        for (RunResult runResult : runResults) {
            String benchmark = runResult.getParams().getBenchmark();
            String simpleName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            results.put(simpleName + "@" + runResult.getParams().getParam("recordLength"), runResult);
        }
    }

    // ---------------------------------------------------------------- tables

    private String tables(boolean smoke, long seconds) {
        StringBuilder text = new StringBuilder();
        Runtime.Version version = Runtime.version();
        text.append(String.format(Locale.ROOT,
                "%nlogbuf comparison %s UTC%s%nJDK %s (%s), %d cores (%s), %s %s, wall time %d s%n",
                ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toLocalDateTime(),
                smoke ? "  [SMOKE RUN: one short iteration, not a measurement]" : "", version,
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("os.name"), System.getProperty("os.arch"), seconds));
        text.append("Scores are the median of the measured iterations (all forks); ratios are logbuf / contender"
                + " (above 1 = logbuf faster).\n");

        text.append("\nThroughput, million records/s read by the consumer\n");
        String header = String.format(Locale.ROOT, "%-6s %6s %9s %9s %9s %9s  %8s %8s %8s%n", "ring", "bytes", "logbuf",
                "agrona", "jctools", "abq", "/agrona", "/jctools", "/abq");
        text.append(header);
        for (String group : List.of("spsc", "mpsc1", "mpsc2")) {
            for (int length : ALL_LENGTHS) {
                double[] scores = CONTENDERS.stream()
                    .mapToDouble(c -> median(c.throughput() + "." + group, length, "records"))
                    .toArray();
                if (Arrays.stream(scores).allMatch(Double::isNaN)) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "%-6s %6d %9s %9s %9s %9s  %8s %8s %8s%n", group, length,
                        millions(scores[0]), millions(scores[1]), millions(scores[2]), millions(scores[3]),
                        ratio(scores[0], scores[1]), ratio(scores[0], scores[2]), ratio(scores[0], scores[3])));
            }
        }
        double offer = median("LogbufThroughput.spscOffer", 64, "records");
        if (!Double.isNaN(offer)) {
            text.append(String.format(Locale.ROOT, "logbuf spsc 64 B through offer(byte[]): %s M records/s%n",
                    millions(offer)));
        }

        text.append(
                "\nAllocation, bytes per record (JMH gc.alloc.rate.norm x calls / records; both sides of the ring)\n");
        text.append(String.format(Locale.ROOT, "%-9s %6s %9s %9s %9s %9s%n", "ring", "bytes", "logbuf", "agrona",
                "jctools", "abq"));
        for (String group : List.of("spsc", "spscOffer", "mpsc1", "mpsc2")) {
            for (int length : ALL_LENGTHS) {
                double[] perRecord = CONTENDERS.stream()
                    .mapToDouble(c -> bytesPerRecord(c.throughput() + "." + group, length))
                    .toArray();
                if (Arrays.stream(perRecord).allMatch(Double::isNaN)) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "%-9s %6d %9s %9s %9s %9s%n", group, length,
                        decimal(perRecord[0]), decimal(perRecord[1]), decimal(perRecord[2]), decimal(perRecord[3])));
            }
        }

        text.append(
                "\nBytes/s against memcpy (one thread, System.arraycopy of the same payloads), MB/s (10^6 bytes)\n");
        text.append(String.format(Locale.ROOT, "%6s %10s %10s %10s %8s %8s%n", "bytes", "memcpy", "logbuf", "agrona",
                "logbuf%", "agrona%"));
        for (int length : ALL_LENGTHS) {
            double memcpy = median("MemcpyBaseline.copy", length, "bytes");
            double logbuf = median("LogbufThroughput.spsc", length, "bytes");
            double agrona = median("AgronaThroughput.spsc", length, "bytes");
            if (Double.isNaN(memcpy)) {
                continue;
            }
            text.append(String.format(Locale.ROOT, "%6d %10.0f %10.0f %10.0f %7.0f%% %7.0f%%%n", length, memcpy / 1e6,
                    logbuf / 1e6, agrona / 1e6, 100 * logbuf / memcpy, 100 * agrona / memcpy));
        }

        text.append(
                "\nProducer latency of one 64-byte write (claim+copy+commit, or offer of a copy), paced producers, ns\n");
        text.append(String.format(Locale.ROOT, "%-6s %-8s %8s %8s %9s%n", "ring", "", "p50", "p99", "p99.9"));
        for (String group : List.of("spsc", "mpsc2")) {
            for (Contender contender : CONTENDERS) {
                Optional<Result<?>> write = latency(contender.latency() + "." + group, 64, group + "Write");
                write.ifPresent(r -> text.append(String.format(Locale.ROOT, "%-6s %-8s %8.0f %8.0f %9.0f%n", group,
                        contender.label(), r.getStatistics().getPercentile(50), r.getStatistics().getPercentile(99),
                        r.getStatistics().getPercentile(99.9))));
            }
        }

        text.append("\nTargets (issue 4)\n");
        target(text, "SPSC 64 B >= 1.0x Agrona OneToOne (aim 1.25x)",
                ratioOf("LogbufThroughput.spsc", "AgronaThroughput.spsc", 64), 1.0);
        target(text, "MPSC 2 producers 64 B >= 1.0x Agrona ManyToOne (aim 1.25x)",
                ratioOf("LogbufThroughput.mpsc2", "AgronaThroughput.mpsc2", 64), 1.0);
        target(text, "SPSC 64 B >= 10x ArrayBlockingQueue",
                ratioOf("LogbufThroughput.spsc", "BlockingQueueThroughput.spsc", 64), 10.0);
        target(text, "MPSC 2 producers 64 B >= 10x ArrayBlockingQueue",
                ratioOf("LogbufThroughput.mpsc2", "BlockingQueueThroughput.mpsc2", 64), 10.0);
        target(text, "SPSC 2 KiB bytes/s >= 50% of memcpy (as a fraction)",
                median("LogbufThroughput.spsc", 2048, "bytes") / median("MemcpyBaseline.copy", 2048, "bytes"), 0.5);
        double worstAllocation = Stream.of("spsc", "spscOffer", "mpsc1", "mpsc2")
            .flatMap(g -> ALL_LENGTHS.stream().map(l -> bytesPerRecord("LogbufThroughput." + g, l)))
            .filter(v -> !Double.isNaN(v))
            .max(Double::compare)
            .orElse(Double.NaN);
        text.append(String.format(Locale.ROOT,
                "  %-4s logbuf allocation, worst steady-state case: %s B/record (target ~0)%n",
                Double.isNaN(worstAllocation) ? "?" : worstAllocation < 0.01 ? "PASS" : "MISS",
                decimal(worstAllocation)));
        for (String group : List.of("spsc", "mpsc2")) {
            Optional<Result<?>> logbuf = latency("LogbufWriteLatency." + group, 64, group + "Write");
            Optional<Result<?>> agrona = latency("AgronaWriteLatency." + group, 64, group + "Write");
            if (logbuf.isPresent() && agrona.isPresent()) {
                double mine = logbuf.get().getStatistics().getPercentile(99);
                double theirs = agrona.get().getStatistics().getPercentile(99);
                text.append(
                        String.format(Locale.ROOT, "  %-4s %s producer p99 no worse than Agrona: %.0f ns vs %.0f ns%n",
                                mine <= theirs ? "PASS" : "MISS", group, mine, theirs));
            }
        }
        return text.toString();
    }

    private static void target(StringBuilder text, String what, double value, double threshold) {
        String verdict = Double.isNaN(value) ? "?" : value >= threshold ? "PASS" : "MISS";
        text.append(String.format(Locale.ROOT, "  %-4s %s: %.2f%n", verdict, what, value));
    }

    private double ratioOf(String mine, String theirs, int length) {
        return median(mine, length, "records") / median(theirs, length, "records");
    }

    /** Median over the measured iterations of a secondary result ("records", "bytes"). */
    private double median(String benchmark, int length, String label) {
        RunResult result = results.get(benchmark + "@" + length);
        if (result == null) {
            return Double.NaN;
        }
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                Result<?> secondary = iteration.getSecondaryResults().get(label);
                if (secondary != null) {
                    scores.add(secondary.getScore());
                }
            }
        }
        if (scores.isEmpty()) {
            return Double.NaN;
        }
        scores.sort(Double::compare);
        int middle = scores.size() / 2;
        return scores.size() % 2 == 1 ? scores.get(middle) : (scores.get(middle - 1) + scores.get(middle)) / 2;
    }

    /**
     * Allocated bytes per record read: JMH's bytes per call, times calls per second, over
     * records per second.
     */
    private double bytesPerRecord(String benchmark, int length) {
        RunResult result = results.get(benchmark + "@" + length);
        if (result == null) {
            return Double.NaN;
        }
        Result<?> perCall = result.getSecondaryResults().get("gc.alloc.rate.norm");
        Result<?> records = result.getSecondaryResults().get("records");
        if (perCall == null || records == null || records.getScore() == 0) {
            return Double.NaN;
        }
        return perCall.getScore() * result.getPrimaryResult().getScore() / records.getScore();
    }

    private Optional<Result<?>> latency(String benchmark, int length, String method) {
        RunResult result = results.get(benchmark + "@" + length);
        return result == null ? Optional.empty() : Optional.ofNullable(result.getSecondaryResults().get(method));
    }

    private static String millions(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.2f", perSecond / 1e6);
    }

    private static String ratio(double mine, double theirs) {
        return Double.isNaN(mine) || Double.isNaN(theirs) ? "-" : String.format(Locale.ROOT, "%.2fx", mine / theirs);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                .findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse("unknown CPU");
        }
        catch (IOException | UncheckedIOException e) {
            return "unknown CPU";
        }
    }

}
