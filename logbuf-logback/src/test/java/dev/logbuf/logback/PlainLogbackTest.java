package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The appender in a plain {@code logback.xml} application without Spring, in a child JVM
 * (docs/logging.md, "Plain Logback"): every event comes out on standard output, once, in
 * order per thread, whether Logback's shutdown hook stops the appender or the JVM just
 * exits; a bad setting fails loudly.
 */
class PlainLogbackTest {

    private static final int EVENTS_PER_THREAD = 20_000;

    @Test
    void withLogbacksShutdownHookEveryEventComesOutInOrder() throws Exception {
        Result result = run("plain-logback.xml");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertAllEventsInOrder(result.stdout());
    }

    @Test
    void withoutAShutdownHookTheAppendersExitHookLetsTheDrainFinish() throws Exception {
        Result result = run("plain-logback-no-hook.xml");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertAllEventsInOrder(result.stdout());
    }

    @Test
    void aBadSettingInLogbackXmlIsReportedLoudly() throws Exception {
        Result result = run("plain-logback-bad.xml");
        assertThat(result.stdout() + result.stderr())
            .contains("format must be one of pattern, ecs, logstash, gelf; was 'xml'");
    }

    private static void assertAllEventsInOrder(String stdout) {
        Map<String, Integer> next = new HashMap<>();
        List<String> lines = stdout.lines().toList();
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertThat(parts.length).as("line '%s'", line).isIn(2, 3);
            if (parts.length == 3) {
                assertThat(parts[2]).isEqualTo("p".repeat(200)); // complete
            }
            int seq = Integer.parseInt(parts[1]);
            assertThat(seq).as("%s: exactly once, in order", parts[0]).isEqualTo(next.getOrDefault(parts[0], 0));
            next.put(parts[0], seq + 1);
        }
        assertThat(next).containsOnlyKeys("app0", "app1", "main");
        assertThat(next.values()).containsOnly(EVENTS_PER_THREAD);
    }

    private static Result run(String configuration) throws IOException, InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(PlainLogbackTest::keep)
            .collect(Collectors.joining(File.pathSeparator));
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", classPath,
                "-Dlogback.configurationFile=" + configuration, PlainLogbackApp.class.getName(),
                String.valueOf(EVENTS_PER_THREAD))
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
        byte[] stderr;
        String stdout;
        stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        stderr = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exits").isTrue();
        return new Result(process.exitValue(), stdout, new String(stderr, StandardCharsets.UTF_8));
    }

    /**
     * The test's class path without Spring, JSON and test libraries: this module's and
     * the core's classes (directories in a reactor build, or logbuf jars), Logback and
     * SLF4J's API.
     */
    private static boolean keep(String entry) {
        Path path = Paths.get(entry);
        String name = (path.getFileName() != null) ? path.getFileName().toString() : "";
        if (name.endsWith(".jar")) {
            return name.startsWith("logbuf-") || name.startsWith("logback-") || name.startsWith("slf4j-api-");
        }
        return entry.replace('\\', '/').contains("/logbuf-"); // target/classes of this
                                                              // reactor
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

}
