package dev.logbuf.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The figures one comparison run on one JDK produced, reduced to what the tables need and
 * kept as {@code key -> value} (written as {@code <stamp>-jdk<N>-scores.tsv}, so that the
 * runs on two JDKs, each in its own JVM, can be printed side by side afterwards).
 *
 * <p>
 * Keys: {@code <measure> <Class.group> <recordLength>}, with the measures {@code records}
 * and {@code bytes} (median over every measured iteration of every fork, per second),
 * {@code alloc} (bytes allocated per record read), {@code p50}, {@code p99},
 * {@code p99.9} (ns, of the {@code <group>Write} sub-result); and the metadata
 * {@code jdk}, {@code vm}, {@code cpu}, {@code cores}, {@code wall}.
 */
final class Scores {

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Adds what JMH measured for one benchmark at one record length. */
    void add(String benchmark, int length, RunResult result) {
        put("records", benchmark, length, median(result, "records"));
        put("bytes", benchmark, length, median(result, "bytes"));
        put("spread", benchmark, length, spread(result, "records"));
        Result<?> perCall = result.getSecondaryResults().get("gc.alloc.rate.norm");
        Result<?> records = result.getSecondaryResults().get("records");
        if (perCall != null && records != null && records.getScore() > 0) {
            // bytes per call x calls per second / records per second
            put("alloc", benchmark, length,
                    perCall.getScore() * result.getPrimaryResult().getScore() / records.getScore());
        }
        String group = benchmark.substring(benchmark.indexOf('.') + 1);
        Result<?> write = result.getSecondaryResults().get(group + "Write");
        if (write != null) {
            put("p50", benchmark, length, write.getStatistics().getPercentile(50));
            put("p99", benchmark, length, write.getStatistics().getPercentile(99));
            put("p99.9", benchmark, length, write.getStatistics().getPercentile(99.9));
        }
    }

    void meta(String key, String value) {
        this.values.put(key, value.replace('\t', ' ').replace('\n', ' '));
    }

    String meta(String key) {
        return this.values.getOrDefault(key, "?");
    }

    /** A figure, or NaN when it was not measured. */
    double get(String measure, String benchmark, int length) {
        String value = this.values.get(key(measure, benchmark, length));
        return (value == null) ? Double.NaN : Double.parseDouble(value);
    }

    private void put(String measure, String benchmark, int length, double value) {
        if (!Double.isNaN(value)) {
            this.values.put(key(measure, benchmark, length), Double.toString(value));
        }
    }

    private static String key(String measure, String benchmark, int length) {
        return measure + " " + benchmark + " " + length;
    }

    void write(Path file) {
        StringBuilder text = new StringBuilder();
        this.values.forEach((k, v) -> text.append(k).append('\t').append(v).append('\n'));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Scores read(Path file) {
        Scores scores = new Scores();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    scores.values.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return scores;
    }

    /** Median over the measured iterations (all forks) of a secondary result. */
    private static double median(RunResult result, String label) {
        List<Double> scores = iterations(result, label);
        if (scores.isEmpty()) {
            return Double.NaN;
        }
        int middle = scores.size() / 2;
        return (scores.size() % 2 == 1) ? scores.get(middle) : (scores.get(middle - 1) + scores.get(middle)) / 2;
    }

    /**
     * Half the range of the measured iterations (all forks) over their median: 0.1 means
     * they lay within about 10% either side of the median.
     */
    private static double spread(RunResult result, String label) {
        List<Double> scores = iterations(result, label);
        double median = median(result, label);
        if (scores.size() < 2 || !(median > 0)) {
            return Double.NaN;
        }
        return (scores.get(scores.size() - 1) - scores.get(0)) / 2 / median;
    }

    /** The measured iterations' scores of a secondary result, all forks, sorted. */
    private static List<Double> iterations(RunResult result, String label) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                Result<?> secondary = iteration.getSecondaryResults().get(label);
                if (secondary != null) {
                    scores.add(secondary.getScore());
                }
            }
        }
        scores.sort(Double::compare);
        return scores;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Scores[%d values]", this.values.size());
    }

}
