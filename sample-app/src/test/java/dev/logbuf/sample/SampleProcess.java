package dev.logbuf.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sample as a child JVM on the test class path, started in a working directory of its
 * own (so its {@code ./data/rings/audit.ring} and {@code ./data/archive/audit} are
 * there), its output appended to {@code sample.log} in that directory. {@link #kill()} is
 * {@code SIGKILL} ({@code Process.destroyForcibly()} on Linux): no shutdown hook, no
 * drain, no close; {@link #stop()} is {@code SIGTERM}: Spring Boot's graceful shutdown.
 */
final class SampleProcess {

    private final Process process;

    private final int port;

    private final Path log;

    private SampleProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the sample in {@code directory} on a free port and waits until its audit
     * ring is {@code UP}.
     * @param directory the working directory
     * @param args more command-line arguments
     * @return the running sample
     */
    static SampleProcess start(Path directory, String... args) throws IOException {
        for (int attempt = 1;; attempt++) {
            SampleProcess sample = launch(directory, args);
            try {
                sample.awaitUp();
                return sample;
            }
            catch (PortTaken ex) {
                if (attempt == 3) {
                    throw ex;
                }
                // another process took the free port before the sample bound it
            }
        }
    }

    private static SampleProcess launch(Path directory, String... args) throws IOException {
        int port = freePort();
        Path log = directory.resolve("sample.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a small heap and the client compiler: starts sooner on two busy cores
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SampleApplication.class.getName(), "--server.port=" + port,
                "--sample.debug-endpoints=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        return new SampleProcess(process, port, log);
    }

    int port() {
        return this.port;
    }

    private void awaitUp() {
        SampleHttp http = new SampleHttp(this.port, Duration.ofSeconds(5));
        await().atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsMatching((ex) -> !(ex instanceof AssertionError))
            .until(() -> {
                if (!this.process.isAlive()) {
                    String tail = logTail();
                    if (tail.contains("Port " + this.port + " was already in use")) {
                        throw new PortTaken(tail);
                    }
                    throw new AssertionError("the sample ended with " + this.process.exitValue() + ":\n" + tail);
                }
                return http.auditUp();
            });
    }

    /** {@code SIGKILL}, and waits until the process is gone. */
    void kill() throws InterruptedException {
        this.process.destroyForcibly();
        if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the sample did not die of SIGKILL within 30 s");
        }
    }

    /**
     * {@code SIGTERM}: the graceful shutdown drains the ring and closes the archive.
     * @return the exit status
     */
    int stop() throws InterruptedException {
        this.process.destroy();
        if (!this.process.waitFor(2, TimeUnit.MINUTES)) {
            this.process.destroyForcibly();
            throw new AssertionError("the sample did not stop within 2 minutes of SIGTERM:\n" + logTail());
        }
        return this.process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(this.log, StandardCharsets.UTF_8);
    }

    String logTail() {
        try {
            String log = log();
            return log.substring(Math.max(0, log.length() - 4000));
        }
        catch (IOException ex) {
            return "(no log: " + ex + ")";
        }
    }

    /** The sample could not bind its port. */
    private static final class PortTaken extends AssertionError {

        private static final long serialVersionUID = 1L;

        PortTaken(String log) {
            super("the sample's port was taken:\n" + log);
        }

    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
