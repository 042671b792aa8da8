package dev.logbuf.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The printed comparison: for one JDK's {@link Scores}, the throughput, allocation,
 * bytes/s against the two baselines and producer latency tables with the targets of issue
 * 15; for several JDKs, those tables one JDK after the other, then the ratios and the
 * targets side by side, one column per JDK.
 */
final class ComparisonReport {

    /**
     * A contender: its label and the simple names of its throughput and latency classes.
     */
    record Contender(String label, String throughput, String latency) {
    }

    static final List<Contender> CONTENDERS = List.of(new Contender("logbuf", "LogbufThroughput", "LogbufWriteLatency"),
            new Contender("agrona", "AgronaThroughput", "AgronaWriteLatency"),
            new Contender("jctools", "JctoolsThroughput", "JctoolsWriteLatency"),
            new Contender("disruptor", "DisruptorThroughput", "DisruptorWriteLatency"),
            new Contender("abq", "BlockingQueueThroughput", "BlockingQueueWriteLatency"));

    static final List<Integer> ALL_LENGTHS = List.of(16, 64, 256, 1024, 2048);

    static final List<String> GROUPS = List.of("spsc", "mpsc1", "mpsc2");

    /** What a target says about one JDK's run. */
    record Verdict(String status, String figure) {

        static final Verdict UNKNOWN = new Verdict("?", "not measured");

        String text() {
            return String.format(Locale.ROOT, "%-4s %s", this.status, this.figure);
        }

    }

    /** One target of issue 15, judged on one JDK's scores. */
    record Target(String what, Function<Scores, Verdict> judge) {
    }

    static final List<Target> TARGETS = List.of(
            new Target("SPSC >= 1.0x JCTools at every size", s -> worstRatio(s, List.of("spsc"), "jctools", 1.0)),
            new Target("MPSC >= 1.0x JCTools at every size (1 and 2 producers)",
                    s -> worstRatio(s, List.of("mpsc1", "mpsc2"), "jctools", 1.0)),
            new Target("SPSC >= 1.0x Agrona at every size", s -> worstRatio(s, List.of("spsc"), "agrona", 1.0)),
            new Target("MPSC >= 1.0x Agrona at every size (1 and 2 producers)",
                    s -> worstRatio(s, List.of("mpsc1", "mpsc2"), "agrona", 1.0)),
            new Target("SPSC 64 B >= 1.25x Agrona", s -> atLeast(ratio(s, "spsc", 64, "agrona"), 1.25, "%.2fx")),
            new Target("MPSC 2 producers 64 B >= 1.25x Agrona",
                    s -> atLeast(ratio(s, "mpsc2", 64, "agrona"), 1.25, "%.2fx")),
            new Target("logbuf allocation ~0 B/record (worst case)", ComparisonReport::allocation),
            new Target("SPSC producer p99 <= Agrona", s -> latency(s, "spsc")),
            new Target("MPSC 2 producers producer p99 <= Agrona", s -> latency(s, "mpsc2")),
            new Target("SPSC 2 KiB >= 50% of the two-thread baseline",
                    s -> atLeast(share(s, "LogbufThroughput.spsc", 2048), 0.5, "%.2f")));

    /** Reported beside the targets, judged by nothing. */
    static final List<Target> ALSO = List.of(
            new Target("SPSC vs Disruptor, worst size", s -> worstRatio(s, List.of("spsc"), "disruptor", 1.0)),
            new Target("MPSC vs Disruptor, worst size",
                    s -> worstRatio(s, List.of("mpsc1", "mpsc2"), "disruptor", 1.0)),
            new Target("SPSC 64 B vs ArrayBlockingQueue (10x retired)",
                    s -> atLeast(ratio(s, "spsc", 64, "abq"), 10, "%.2fx")),
            new Target("MPSC 2 producers 64 B vs ArrayBlockingQueue",
                    s -> atLeast(ratio(s, "mpsc2", 64, "abq"), 10, "%.2fx")),
            new Target("SPSC 2 KiB share of one-thread memcpy", s -> atLeast(
                    median(s, "bytes", "LogbufThroughput.spsc", 2048) / median(s, "bytes", "MemcpyBaseline.copy", 2048),
                    0.5, "%.2f")));

    private ComparisonReport() {
    }

    // ------------------------------------------------------------ one JDK

    static String oneJdk(Scores s, boolean smoke) {
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(Locale.ROOT, "%nlogbuf comparison, JDK %s%s%n%s (%s), %s cores (%s), wall time %s s%n",
                        s.meta("jdk"), smoke ? "  [SMOKE RUN: one short iteration, not a measurement]" : "",
                        s.meta("vm"), s.meta("os"), s.meta("cores"), s.meta("cpu"), s.meta("wall")));
        text.append(String.format(Locale.ROOT,
                "Load average (1 min) at the start %s, at the end %s: above about 1, other work shared the cores"
                        + " and the two-thread figures are not measurements.%n",
                s.meta("loadStart"), s.meta("loadEnd")));
        text.append("Scores are the median of the measured iterations (all forks); ratios are logbuf / contender"
                + " (above 1 = logbuf faster).\n");

        text.append("\nThroughput, million records/s read by the consumer\n");
        text.append("(+-: half the range of logbuf's measured iterations, over their median)\n");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s %6s", "ring", "bytes"));
        for (Contender c : CONTENDERS) {
            header.append(String.format(Locale.ROOT, " %9s", c.label()));
            if (c == CONTENDERS.get(0)) {
                header.append(String.format(Locale.ROOT, " %5s", "+-"));
            }
        }
        header.append(" ");
        CONTENDERS.stream()
            .skip(1)
            .forEach(c -> header.append(String.format(Locale.ROOT, " %8s", "/" + shortLabel(c))));
        text.append(header).append('\n');
        for (String group : GROUPS) {
            for (int length : ALL_LENGTHS) {
                if (Double.isNaN(median(s, "records", "LogbufThroughput." + group, length))) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "%-6s %6d", group, length));
                for (Contender c : CONTENDERS) {
                    text.append(String.format(Locale.ROOT, " %9s",
                            millions(median(s, "records", c.throughput() + "." + group, length))));
                    if (c == CONTENDERS.get(0)) {
                        text.append(String.format(Locale.ROOT, " %5s",
                                percent(median(s, "spread", c.throughput() + "." + group, length))));
                    }
                }
                text.append(" ");
                for (Contender c : CONTENDERS.subList(1, CONTENDERS.size())) {
                    text.append(String.format(Locale.ROOT, " %8s", times(ratio(s, group, length, c.label()))));
                }
                text.append('\n');
            }
        }
        double offer = median(s, "records", "LogbufThroughput.spscOffer", 64);
        if (!Double.isNaN(offer)) {
            text.append(String.format(Locale.ROOT, "logbuf spsc 64 B through offer(byte[]): %s M records/s%n",
                    millions(offer)));
        }

        text.append(
                "\nAllocation, bytes per record (JMH gc.alloc.rate.norm x calls / records; both sides of the ring)\n");
        text.append(String.format(Locale.ROOT, "%-9s %6s", "ring", "bytes"));
        CONTENDERS.forEach(c -> text.append(String.format(Locale.ROOT, " %9s", c.label())));
        text.append('\n');
        for (String group : List.of("spsc", "spscOffer", "mpsc1", "mpsc2")) {
            for (int length : ALL_LENGTHS) {
                if (Double.isNaN(median(s, "alloc", "LogbufThroughput." + group, length))) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "%-9s %6d", group, length));
                for (Contender c : CONTENDERS) {
                    text.append(String.format(Locale.ROOT, " %9s",
                            decimal(median(s, "alloc", c.throughput() + "." + group, length))));
                }
                text.append('\n');
            }
        }

        text.append("\nSPSC bytes/s against the two baselines, MB/s (10^6 bytes): handoff = two threads through a"
                + " shared 64 KiB array,\none release/acquire per quarter of it (the limit); memcpy = one thread copying"
                + " within its cache. share = contender / handoff\n");
        text.append(String.format(Locale.ROOT, "%6s %8s %8s", "bytes", "handoff", "memcpy"));
        CONTENDERS.forEach(c -> text.append(String.format(Locale.ROOT, " %8s", shortLabel(c))));
        text.append(" ");
        CONTENDERS.forEach(c -> text.append(String.format(Locale.ROOT, " %6s", shortLabel(c) + "%")));
        text.append('\n');
        for (int length : ALL_LENGTHS) {
            double handoff = median(s, "bytes", "HandoffBaseline.handoff", length);
            double memcpy = median(s, "bytes", "MemcpyBaseline.copy", length);
            if (Double.isNaN(handoff) && Double.isNaN(memcpy)) {
                continue;
            }
            text.append(String.format(Locale.ROOT, "%6d %8s %8s", length, megabytes(handoff), megabytes(memcpy)));
            for (Contender c : CONTENDERS) {
                text.append(String.format(Locale.ROOT, " %8s",
                        megabytes(median(s, "bytes", c.throughput() + ".spsc", length))));
            }
            text.append(" ");
            for (Contender c : CONTENDERS) {
                text.append(String.format(Locale.ROOT, " %6s", percent(share(s, c.throughput() + ".spsc", length))));
            }
            text.append('\n');
        }

        text.append(
                "\nProducer latency of one 64-byte write (claim+copy+commit, or offer of a copy), paced producers, ns\n");
        text.append(String.format(Locale.ROOT, "%-6s %-10s %8s %8s %9s%n", "ring", "", "p50", "p99", "p99.9"));
        for (String group : List.of("spsc", "mpsc2")) {
            for (Contender c : CONTENDERS) {
                String benchmark = c.latency() + "." + group;
                if (!Double.isNaN(median(s, "p50", benchmark, 64))) {
                    text.append(String.format(Locale.ROOT, "%-6s %-10s %8.0f %8.0f %9.0f%n", group, c.label(),
                            median(s, "p50", benchmark, 64), median(s, "p99", benchmark, 64),
                            median(s, "p99.9", benchmark, 64)));
                }
            }
        }

        text.append("\nTargets (issue 15)\n");
        for (Target target : TARGETS) {
            text.append(String.format(Locale.ROOT, "  %-58s %s%n", target.what(), target.judge().apply(s).text()));
        }
        text.append("Also reported (no target)\n");
        for (Target target : ALSO) {
            text.append(String.format(Locale.ROOT, "  %-58s %s%n", target.what(), target.judge().apply(s).figure()));
        }
        return text.toString();
    }

    // ------------------------------------------------------------ side by side

    static String sideBySide(List<Scores> runs) {
        StringBuilder text = new StringBuilder();
        text.append("\n========================================================================\n");
        text.append("Side by side: ");
        if (runs.stream().anyMatch(s -> Boolean.parseBoolean(s.meta("smoke")))) {
            text.append("[SMOKE RUN: not a measurement]  ");
        }
        runs.forEach(s -> text.append("JDK ")
            .append(s.meta("jdk"))
            .append(" (wall ")
            .append(s.meta("wall"))
            .append(" s)  "));
        text.append(
                "\n\nThroughput ratios, logbuf / contender, and logbuf's share of the two-thread handoff baseline\n");
        text.append(String.format(Locale.ROOT, "%-6s %6s", "ring", "bytes"));
        for (Scores s : runs) {
            text.append(String.format(Locale.ROOT, "  | JDK %-3s %6s %6s %6s %6s %6s", feature(s), "M/s", "/agr",
                    "/jct", "/dis", "/abq"));
            text.append(String.format(Locale.ROOT, " %6s", "share"));
        }
        text.append('\n');
        for (String group : GROUPS) {
            for (int length : ALL_LENGTHS) {
                boolean any = runs.stream()
                    .anyMatch(s -> !Double.isNaN(median(s, "records", "LogbufThroughput." + group, length)));
                if (!any) {
                    continue;
                }
                text.append(String.format(Locale.ROOT, "%-6s %6d", group, length));
                for (Scores s : runs) {
                    text.append(String.format(Locale.ROOT, "  | %7s %6s %6s %6s %6s %6s", "",
                            millions(median(s, "records", "LogbufThroughput." + group, length)),
                            times(ratio(s, group, length, "agrona")), times(ratio(s, group, length, "jctools")),
                            times(ratio(s, group, length, "disruptor")), times(ratio(s, group, length, "abq"))));
                    text.append(String.format(Locale.ROOT, " %6s",
                            group.equals("spsc") ? percent(share(s, "LogbufThroughput.spsc", length)) : ""));
                }
                text.append('\n');
            }
        }
        text.append("\nTargets (issue 15)");
        StringBuilder columns = new StringBuilder(String.format(Locale.ROOT, "%-56s", ""));
        runs.forEach(s -> columns.append(String.format(Locale.ROOT, " | %-30s", "JDK " + feature(s))));
        text.append(columns.substring("Targets (issue 15)".length())).append('\n');
        appendRows(text, TARGETS, runs, true);
        text.append("Also reported (no target)\n");
        appendRows(text, ALSO, runs, false);
        return text.toString();
    }

    private static void appendRows(StringBuilder text, List<Target> targets, List<Scores> runs, boolean verdicts) {
        for (Target target : targets) {
            text.append(String.format(Locale.ROOT, "  %-54s", target.what()));
            for (Scores s : runs) {
                Verdict v = target.judge().apply(s);
                text.append(String.format(Locale.ROOT, " | %-30s", verdicts ? v.text() : v.figure()));
            }
            text.append('\n');
        }
    }

    // ------------------------------------------------------------ judging

    private static Verdict worstRatio(Scores s, List<String> groups, String label, double threshold) {
        double worst = Double.NaN;
        String where = "";
        for (String group : groups) {
            for (int length : ALL_LENGTHS) {
                double r = ratio(s, group, length, label);
                if (!Double.isNaN(r) && (Double.isNaN(worst) || r < worst)) {
                    worst = r;
                    where = (groups.size() > 1 ? group + " " : "") + length + " B";
                }
            }
        }
        if (Double.isNaN(worst)) {
            return Verdict.UNKNOWN;
        }
        return new Verdict(worst >= threshold ? "PASS" : "MISS",
                String.format(Locale.ROOT, "worst %.2fx (%s)", worst, where));
    }

    private static Verdict atLeast(double value, double threshold, String format) {
        if (Double.isNaN(value)) {
            return Verdict.UNKNOWN;
        }
        return new Verdict(value >= threshold ? "PASS" : "MISS", String.format(Locale.ROOT, format, value));
    }

    private static Verdict allocation(Scores s) {
        List<Double> all = new ArrayList<>();
        for (String group : List.of("spsc", "spscOffer", "mpsc1", "mpsc2")) {
            for (int length : ALL_LENGTHS) {
                double v = median(s, "alloc", "LogbufThroughput." + group, length);
                if (!Double.isNaN(v)) {
                    all.add(v);
                }
            }
        }
        if (all.isEmpty()) {
            return Verdict.UNKNOWN;
        }
        double worst = all.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        return new Verdict(worst < 0.01 ? "PASS" : "MISS", String.format(Locale.ROOT, "%.3f B/record", worst));
    }

    private static Verdict latency(Scores s, String group) {
        double mine = median(s, "p99", "LogbufWriteLatency." + group, 64);
        double theirs = median(s, "p99", "AgronaWriteLatency." + group, 64);
        if (Double.isNaN(mine) || Double.isNaN(theirs)) {
            return Verdict.UNKNOWN;
        }
        return new Verdict(mine <= theirs ? "PASS" : "MISS",
                String.format(Locale.ROOT, "%.0f vs %.0f ns", mine, theirs));
    }

    // ------------------------------------------------------------ figures

    static double median(Scores s, String measure, String benchmark, int length) {
        return s.get(measure, benchmark, length);
    }

    /** logbuf / contender in records/s for one group and length. */
    static double ratio(Scores s, String group, int length, String label) {
        Contender contender = CONTENDERS.stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
        return median(s, "records", "LogbufThroughput." + group, length)
                / median(s, "records", contender.throughput() + "." + group, length);
    }

    /** A benchmark's bytes/s over the two-thread handoff baseline's, same length. */
    static double share(Scores s, String benchmark, int length) {
        return median(s, "bytes", benchmark, length) / median(s, "bytes", "HandoffBaseline.handoff", length);
    }

    private static String feature(Scores s) {
        String jdk = s.meta("jdk");
        int dot = jdk.indexOf('.');
        int plus = jdk.indexOf('+');
        int end = (dot > 0) ? dot : (plus > 0) ? plus : jdk.length();
        return jdk.substring(0, end);
    }

    private static String shortLabel(Contender c) {
        return c.label().length() > 7 ? c.label().substring(0, 3) : c.label();
    }

    private static String millions(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.2f", perSecond / 1e6);
    }

    private static String megabytes(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.0f", perSecond / 1e6);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

}
