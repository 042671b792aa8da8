package dev.logbuf.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison's verdicts: what each target of issue 15 says for given figures, the
 * scores file that carries one JDK's figures to the side-by-side report, and that report.
 * Figures are made up; nothing here runs a benchmark.
 */
class ComparisonReportTest {

    @TempDir
    Path dir;

    /** Figures in the scores file's own format ({@code measure benchmark length}). */
    private final Map<String, Object> figures = new LinkedHashMap<>();

    private Scores scores(String jdk) throws IOException {
        StringBuilder text = new StringBuilder("jdk\t" + jdk + "\nwall\t600\nsmoke\tfalse\n");
        this.figures.forEach((key, value) -> text.append(key).append('\t').append(value).append('\n'));
        Path file = this.dir.resolve(jdk + "-scores.tsv");
        Files.writeString(file, text);
        return Scores.read(file);
    }

    private void records(String benchmark, int length, double perSecond) {
        this.figures.put("records " + benchmark + " " + length, perSecond);
    }

    private static ComparisonReport.Verdict judge(String target, Scores scores) {
        return ComparisonReport.TARGETS.stream()
            .filter(t -> t.what().equals(target))
            .findFirst()
            .orElseThrow()
            .judge()
            .apply(scores);
    }

    @Test
    void atEverySizeTargetNamesTheWorstSizeAndMissesBelowOne() throws IOException {
        for (int length : ComparisonReport.ALL_LENGTHS) {
            records("LogbufThroughput.spsc", length, 12e6);
            records("JctoolsThroughput.spsc", length, (length == 256) ? 15e6 : 10e6);
        }
        ComparisonReport.Verdict verdict = judge("SPSC >= 1.0x JCTools at every size", scores("17.0.15"));
        assertThat(verdict.status()).isEqualTo("MISS");
        assertThat(verdict.figure()).isEqualTo("worst 0.80x (256 B)");
    }

    @Test
    void atEverySizeTargetPassesAtExactlyOneAndCoversBothMpscGroups() throws IOException {
        records("LogbufThroughput.mpsc1", 64, 10e6);
        records("AgronaThroughput.mpsc1", 64, 10e6);
        records("LogbufThroughput.mpsc2", 2048, 3e6);
        records("AgronaThroughput.mpsc2", 2048, 2e6);
        ComparisonReport.Verdict verdict = judge("MPSC >= 1.0x Agrona at every size (1 and 2 producers)", scores("17"));
        assertThat(verdict.status()).isEqualTo("PASS");
        assertThat(verdict.figure()).isEqualTo("worst 1.00x (mpsc1 64 B)");
    }

    @Test
    void aTargetWhoseFiguresWereNotMeasuredSaysSoInsteadOfPassing() throws IOException {
        records("LogbufThroughput.spsc", 64, 12e6);
        Scores scores = scores("25");
        assertThat(judge("SPSC 64 B >= 1.25x Agrona", scores)).isEqualTo(ComparisonReport.Verdict.UNKNOWN);
        assertThat(judge("SPSC >= 1.0x JCTools at every size", scores).status()).isEqualTo("?");
        assertThat(judge("SPSC producer p99 <= Agrona", scores).status()).isEqualTo("?");
    }

    @Test
    void twoKibTargetIsTheShareOfTheHandoffBaselineNotOfMemcpy() throws IOException {
        this.figures.put("bytes LogbufThroughput.spsc 2048", 4.0e9);
        this.figures.put("bytes HandoffBaseline.handoff 2048", 8.0e9);
        this.figures.put("bytes MemcpyBaseline.copy 2048", 80e9);
        Scores scores = scores("17");
        assertThat(judge("SPSC 2 KiB >= 50% of the two-thread baseline", scores))
            .isEqualTo(new ComparisonReport.Verdict("PASS", "0.50"));
        this.figures.put("bytes LogbufThroughput.spsc 2048", 3.9e9);
        assertThat(judge("SPSC 2 KiB >= 50% of the two-thread baseline", scores("17")).status()).isEqualTo("MISS");
    }

    @Test
    void latencyPassesWhenNoWorseAndAllocationMissesFromOneHundredthOfAByte() throws IOException {
        this.figures.put("p99 LogbufWriteLatency.mpsc2 64", 70.0);
        this.figures.put("p99 AgronaWriteLatency.mpsc2 64", 70.0);
        this.figures.put("alloc LogbufThroughput.spsc 64", 0.001);
        this.figures.put("alloc LogbufThroughput.mpsc2 2048", 0.01);
        Scores scores = scores("17");
        assertThat(judge("MPSC 2 producers producer p99 <= Agrona", scores))
            .isEqualTo(new ComparisonReport.Verdict("PASS", "70 vs 70 ns"));
        assertThat(judge("logbuf allocation ~0 B/record (worst case)", scores))
            .isEqualTo(new ComparisonReport.Verdict("MISS", "0.010 B/record"));
    }

    @Test
    void sideBySidePrintsEachJdkInItsOwnColumnWithItsOwnVerdict() throws IOException {
        records("LogbufThroughput.spsc", 64, 20e6);
        records("AgronaThroughput.spsc", 64, 10e6);
        Scores jdk17 = scores("17.0.15+6");
        records("AgronaThroughput.spsc", 64, 40e6);
        Scores jdk25 = scores("25.0.3+9-LTS");

        String text = ComparisonReport.sideBySide(List.of(jdk17, jdk25));

        assertThat(text).contains("JDK 17", "JDK 25");
        String row = text.lines().filter(l -> l.contains("SPSC 64 B >= 1.25x Agrona")).findFirst().orElseThrow();
        assertThat(row).containsSubsequence("PASS 2.00x", "MISS 0.50x");
        String throughput = text.lines().filter(l -> l.startsWith("spsc       64")).findFirst().orElseThrow();
        assertThat(throughput).containsSubsequence("20.00", "2.00x", "20.00", "0.50x");
    }

    @Test
    void scoresFileKeepsFiguresAndMetadataAndReadsMissingFiguresAsNaN() throws IOException {
        records("LogbufThroughput.spsc", 1024, 1.5e7);
        Scores read = scores("25.0.3");
        Path copy = this.dir.resolve("copy.tsv");
        read.write(copy);
        Scores again = Scores.read(copy);
        assertThat(again.get("records", "LogbufThroughput.spsc", 1024)).isEqualTo(1.5e7);
        assertThat(again.meta("jdk")).isEqualTo("25.0.3");
        assertThat(again.get("records", "LogbufThroughput.spsc", 2048)).isNaN();
        assertThat(again.meta("cpu")).isEqualTo("?");
    }

}
