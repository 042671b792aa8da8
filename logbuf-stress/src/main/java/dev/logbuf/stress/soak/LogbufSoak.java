package dev.logbuf.stress.soak;

import java.util.SplittableRandom;

/**
 * Soak test for the rings and the channel: runs random rounds (ring kind, capacity,
 * producer count, record sizes, abort rate) of checksummed records for a given total
 * duration, prints each round and the throughput, and ends with
 * {@code N passed, N failed} (N = rounds). Exits 1 if any round failed.
 *
 * <pre>
 * java -cp logbuf-stress/target/jcstress.jar dev.logbuf.stress.soak.LogbufSoak [--duration 60s] [--seed N] [--max-round 5s]
 * </pre> Durations take a suffix {@code ms}, {@code s}, {@code m} or {@code h}. A failing
 * round prints its seed; {@code --seed} with the same duration settings replays the same
 * sequence of configurations (thread timing differs).
 */
public final class LogbufSoak {

    private LogbufSoak() {
    }

    public static void main(String[] args) throws InterruptedException {
        long durationMillis = 60_000;
        long maxRoundMillis = 5_000;
        long seed = new SplittableRandom().nextLong();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--duration" -> durationMillis = parseMillis(value);
                case "--max-round" -> maxRoundMillis = parseMillis(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> usage("unknown argument " + arg);
            }
            i++;
        }
        if (durationMillis < 1 || maxRoundMillis < 100) {
            usage("duration must be positive and --max-round at least 100ms");
        }
        System.out.printf("logbuf soak: duration %d ms, rounds up to %d ms, seed %d, %d CPUs, Java %s%n",
                durationMillis, maxRoundMillis, seed, Runtime.getRuntime().availableProcessors(), Runtime.version());

        SplittableRandom random = new SplittableRandom(seed);
        long end = System.nanoTime() + durationMillis * 1_000_000L;
        int passed = 0;
        int failed = 0;
        long records = 0;
        double seconds = 0;
        for (int number = 1; number == 1 || System.nanoTime() - end < 0; number++) {
            long remaining = Math.max(100, (end - System.nanoTime()) / 1_000_000L);
            long roundMillis = Math.min(remaining, Math.min(maxRoundMillis, 100 + random.nextLong(maxRoundMillis)));
            SoakRound.Config config = SoakRound.randomConfig(number, random, roundMillis);
            SoakRound.Outcome outcome = new SoakRound(config).run();
            records += outcome.records();
            seconds += outcome.seconds();
            System.out.printf("%s: %,d records (%,d aborted) in %.2f s = %,.0f records/s  %s%n", config,
                    outcome.records(), outcome.aborted(), outcome.seconds(),
                    outcome.records() / Math.max(outcome.seconds(), 1e-9),
                    outcome.passed() ? "ok" : "FAILED: " + outcome.failure());
            if (outcome.passed()) {
                passed++;
            }
            else {
                failed++;
            }
        }
        System.out.printf("soak total: %,d records verified in %.1f s = %,.0f records/s%n", records, seconds,
                records / Math.max(seconds, 1e-9));
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    static long parseMillis(String text) {
        if (text == null) {
            usage("missing duration");
        }
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Long.parseLong(t.substring(0, t.length() - 2));
            }
            if (t.endsWith("s")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) * 1_000;
            }
            if (t.endsWith("m")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) * 60_000;
            }
            if (t.endsWith("h")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) * 3_600_000;
            }
            return Long.parseLong(t) * 1_000;
        }
        catch (NumberFormatException e) {
            usage("bad duration " + text);
            return 0;
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: LogbufSoak [--duration 60s] [--max-round 5s] [--seed N]");
        System.exit(2);
    }

}
