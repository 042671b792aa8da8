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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The side-by-side comparison of issue 15 on the JDK that runs it: runs a chosen subset
 * of the benchmarks through the JMH API (with the GC profiler), writes JMH's JSON and log
 * under the results directory with the figures the tables need
 * ({@code <stamp>-jdk<N>-scores.tsv}, {@link Scores}), and prints the tables with the
 * ratio of logbuf to each contender and a PASS/MISS line per target
 * ({@link ComparisonReport}). {@code --combine} prints the runs of several JDKs (same
 * stamp) one after the other and then side by side; {@code compare.sh} runs JDK 17 and
 * JDK 25 that way.
 *
 * <p>
 * Usage:
 * {@code java -cp benchmarks.jar dev.logbuf.benchmarks.Comparison [--smoke] [--results DIR] [--stamp STAMP]}
 * or {@code ... Comparison --combine --stamp STAMP [--results DIR]}. {@code --smoke} runs
 * every part once at 64 bytes with one short iteration (a check that the harness works,
 * not a measurement).
 */
public final class Comparison {

    private static final String PACKAGE = "dev.logbuf.benchmarks.";

    /**
     * One JMH run: the benchmarks it includes, the record lengths it runs them with, and
     * its forks. The two-thread parts get two forks: a producer and a consumer on two
     * cores settle, per JVM, into one of a few steady states (how far the consumer
     * trails), and one fork can land in a poor one.
     */
    record Part(String name, List<String> includes, List<Integer> recordLengths, int forks) {
    }

    static final List<Integer> ALL_LENGTHS = ComparisonReport.ALL_LENGTHS;

    static final List<Part> PARTS = List.of(new Part("spsc", List.of("throughput\\.\\w+\\.spsc$"), ALL_LENGTHS, 2),
            new Part("handoff", List.of("baseline\\.HandoffBaseline\\.handoff$"), ALL_LENGTHS, 2),
            new Part("memcpy", List.of("baseline\\.MemcpyBaseline\\.copy$"), ALL_LENGTHS, 1),
            new Part("mpsc2", List.of("throughput\\.\\w+\\.mpsc2$"), ALL_LENGTHS, 2),
            new Part("mpsc1", List.of("throughput\\.\\w+\\.mpsc1$", "throughput\\.LogbufThroughput\\.spscOffer$"),
                    List.of(64, 2048), 1),
            new Part("latency", List.of("latency\\.\\w+\\.(spsc|mpsc2)$"), List.of(64), 1));

    private final Scores scores = new Scores();

    private final PrintStream out;

    private Comparison(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws RunnerException {
        boolean smoke = false;
        boolean combine = false;
        Path resultsDir = Paths.get("logbuf-benchmarks", "results");
        String stamp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--combine" -> combine = true;
                case "--results" -> resultsDir = Paths.get(argument(args, ++i));
                case "--stamp" -> stamp = argument(args, ++i);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (combine) {
            if (stamp == null) {
                usage("--combine needs the --stamp of the runs to combine");
            }
            combine(resultsDir, stamp);
            return;
        }
        if (stamp == null) {
            stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
        }
        try {
            Files.createDirectories(resultsDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String prefix = stamp + "-jdk" + Runtime.version().feature();
        Comparison comparison = new Comparison(System.out);
        String loadStart = loadAverage();
        long started = System.nanoTime();
        for (Part part : PARTS) {
            comparison.run(part, smoke, resultsDir, prefix);
        }
        Scores scores = comparison.scores;
        scores.meta("jdk", Runtime.version().toString());
        scores.meta("vm", System.getProperty("java.vm.name"));
        scores.meta("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        scores.meta("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        scores.meta("cpu", cpuModel());
        scores.meta("wall", Long.toString((System.nanoTime() - started) / 1_000_000_000L));
        scores.meta("smoke", Boolean.toString(smoke));
        scores.meta("loadStart", loadStart);
        scores.meta("loadEnd", loadAverage());
        scores.meta("finished", ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toLocalDateTime() + " UTC");
        scores.write(resultsDir.resolve(prefix + "-scores.tsv"));
        String tables = ComparisonReport.oneJdk(scores, smoke);
        System.out.print(tables);
        Path summary = resultsDir.resolve(prefix + "-summary.txt");
        write(summary, tables);
        System.out.println("JMH JSON: " + resultsDir.resolve(prefix + "-*.json") + "; JMH log: "
                + resultsDir.resolve(prefix + "-*-jmh.log") + "; this summary: " + summary);
    }

    private static String argument(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Comparison [--smoke] [--results DIR] [--stamp STAMP]");
        System.err.println("       Comparison --combine --stamp STAMP [--results DIR]");
        System.exit(2);
    }

    /** Prints the runs of every JDK with this stamp, then side by side. */
    private static void combine(Path resultsDir, String stamp) {
        List<Path> files;
        try (Stream<Path> list = Files.list(resultsDir)) {
            files = list.filter(p -> p.getFileName().toString().matches(Pattern.quote(stamp) + "-jdk\\d+-scores\\.tsv"))
                .sorted(Comparator.comparingInt(Comparison::featureOf))
                .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            usage("no " + stamp + "-jdk*-scores.tsv under " + resultsDir);
        }
        List<Scores> runs = files.stream().map(Scores::read).toList();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "logbuf comparison %s, %d JDKs%n", stamp, runs.size()));
        for (Scores run : runs) {
            text.append(ComparisonReport.oneJdk(run, Boolean.parseBoolean(run.meta("smoke"))));
        }
        text.append(ComparisonReport.sideBySide(runs));
        System.out.print(text);
        Path summary = resultsDir.resolve(stamp + "-summary.txt");
        write(summary, text.toString());
        System.out.println("\nsummary: " + summary);
    }

    private static int featureOf(Path scoresFile) {
        Matcher m = Pattern.compile("-jdk(\\d+)-scores").matcher(scoresFile.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(Part part, boolean smoke, Path resultsDir, String prefix) throws RunnerException {
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
            .result(resultsDir.resolve(prefix + "-" + part.name() + ".json").toString())
            .resultFormat(ResultFormatType.JSON)
            .output(resultsDir.resolve(prefix + "-" + part.name() + "-jmh.log").toString());
        for (String include : part.includes()) {
            options.include("^" + PACKAGE.replace(".", "\\.") + include);
        }
        out.printf(Locale.ROOT, "[%s] JDK %d: running part '%s' (record lengths %s)...%n",
                ZonedDateTime.now(ZoneOffset.UTC).toLocalTime().withNano(0), Runtime.version().feature(), part.name(),
                lengths);
        Collection<RunResult> runResults = new Runner(options.build()).run();
        for (RunResult runResult : runResults) {
            String benchmark = runResult.getParams().getBenchmark();
            String simpleName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            this.scores.add(simpleName, Integer.parseInt(runResult.getParams().getParam("recordLength")), runResult);
        }
    }

    /** The 1-minute load average, or "?" where /proc/loadavg is not there. */
    private static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
        }
        catch (IOException | UncheckedIOException e) {
            return "?";
        }
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
