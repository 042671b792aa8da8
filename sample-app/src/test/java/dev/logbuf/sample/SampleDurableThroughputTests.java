package dev.logbuf.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measures, and does not assert, durable acknowledgements per second with 8 concurrent
 * HTTP clients posting {@code ?durable=true}: the sample as configured (group commit: one
 * force at the end of a drain batch answers every waiter of the batch) against the same
 * sample with {@code drain.batch-limit=1}, so that every event gets a force of its own.
 * Both in the same run, one after the other; the figures are printed. What is asserted is
 * that every event was acknowledged durable (no {@code 503}:
 * {@code sample.durable-timeout} is long here, so that one slow force on a busy disk is
 * no failure), that every acknowledged event is in the archive, and how many forces each
 * took.
 */
class SampleDurableThroughputTests {

    private static final int CLIENTS = 8;

    private static final int WARM_UP_EVENTS = 400;

    private static final int MEASURED_EVENTS = 1500;

    /**
     * How long a durable request waits for its force: far above any force (the default is
     * 5s), so that a 503 means the event did not become durable, not a stall of the disk.
     */
    private static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void durableAcknowledgementsPerSecondGroupCommitAgainstOneForcePerEvent() throws Exception {
        // each configuration twice, alternating, so that neither has the warmer JVM
        List<Result> results = new ArrayList<>();
        for (int pass = 1; pass <= 2; pass++) {
            results.add(measure("group commit", this.temp.resolve("group-" + pass)));
            results.add(measure("force per event", this.temp.resolve("each-" + pass),
                    "--logbuf.rings.audit.drain.batch-limit=1"));
        }
        List<String> lines = new ArrayList<>();
        for (Result result : results) {
            lines.add(String.format(
                    "  %-16s %8.0f events/s  %6d events  %6d forces  %.2f forces/event" + "  %6.0f us per force",
                    result.name, result.eventsPerSecond(), result.events, result.forces,
                    (double) result.forces / result.events, result.forceSeconds * 1e6 / Math.max(1, result.forces)));
        }
        System.out
            .println("durable acknowledgement, " + CLIENTS + " HTTP clients, same run:\n" + String.join("\n", lines));
        for (Result result : results) {
            if (result.name.equals("force per event")) {
                // one force per event: each batch holds one record and is forced
                assertThat(result.forces).isGreaterThanOrEqualTo(result.events);
            }
        }
    }

    private Result measure(String name, Path directory, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--logbuf.rings.audit.archive.directory=" + directory.resolve("archive"),
                "--logbuf.rings.audit.file=" + directory.resolve("audit.ring"), "--sample.debug-endpoints=false",
                "--sample.durable-timeout=" + DURABLE_TIMEOUT.toSeconds() + "s"));
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
            .run(args.toArray(String[]::new));
        EventLoad load;
        long forces;
        double forceSeconds;
        long events;
        long nanos;
        try {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            SampleHttp http = new SampleHttp(port);
            // a request outlasts the durable timeout: a late force is a 503, not a client
            // time-out
            load = new EventLoad(UUID.randomUUID().toString(), CLIENTS, port, true, DURABLE_TIMEOUT.multipliedBy(2));
            load.start();
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> load.acknowledgedCount() >= WARM_UP_EVENTS);
                long forcesBefore = forces(http);
                double forceSecondsBefore = forceSeconds(http);
                long eventsBefore = load.acknowledgedCount();
                long start = System.nanoTime();
                await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> load.acknowledgedCount() >= eventsBefore + MEASURED_EVENTS);
                nanos = System.nanoTime() - start;
                events = load.acknowledgedCount() - eventsBefore;
                forces = forces(http) - forcesBefore;
                forceSeconds = forceSeconds(http) - forceSecondsBefore;
            }
            finally {
                load.close();
            }
            assertThat(load.notDurableCount()).as("503s: not durable in time").isZero();
            assertThat(load.failedCount()).as("requests that failed or timed out").isZero();
        }
        finally {
            context.close();
        }
        AuditTally tally = AuditTally.of(SampleArchive.readClosed(directory.resolve("archive")), load);
        assertThat(tally.missing()).isZero();
        assertThat(tally.duplicates()).isZero();
        return new Result(name, events, forces, forceSeconds, nanos);
    }

    private static long forces(SampleHttp http) throws Exception {
        return http.getJson("/actuator/metrics/logbuf.archive.flush?tag=ring:audit")
            .at("/measurements/0/value")
            .asLong();
    }

    /** Time spent in forces so far, from the {@code logbuf.archive.flush} timer. */
    private static double forceSeconds(SampleHttp http) throws Exception {
        JsonNode measurements = http.getJson("/actuator/metrics/logbuf.archive.flush?tag=ring:audit")
            .get("measurements");
        for (JsonNode measurement : measurements) {
            if ("TOTAL_TIME".equals(measurement.get("statistic").asString())) {
                return measurement.get("value").asDouble();
            }
        }
        throw new AssertionError("no TOTAL_TIME in " + measurements);
    }

    private record Result(String name, long events, long forces, double forceSeconds, long nanos) {

        double eventsPerSecond() {
            return this.events * 1e9 / this.nanos;
        }

    }

}
