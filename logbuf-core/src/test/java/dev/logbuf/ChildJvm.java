package dev.logbuf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a {@code main} class of these tests on the test class path, with a
 * line protocol: it reports on stdout, the test writes commands to its stdin.
 * {@link #kill()} is {@code SIGKILL} ({@code Process.destroyForcibly()} on Linux): no
 * shutdown hook, no finally block, no close runs in the child.
 */
final class ChildJvm implements AutoCloseable {

    private static final String END_OF_OUTPUT = "\u0000end";

    private final Process process;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private final List<String> transcript = new ArrayList<>();

    private final Writer stdin;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "child-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM of the same Java installation,
     * a small heap and the serial collector (a child only needs a few MiB).
     */
    static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx64m");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ChildJvm(builder.start());
    }

    long pid() {
        return this.process.pid();
    }

    boolean isAlive() {
        return this.process.isAlive();
    }

    /**
     * The next line the child printed that starts with one of {@code prefixes}, waiting
     * up to {@code seconds}; other lines are skipped.
     * @throws AssertionError when the child ends or the time runs out first
     */
    String awaitLine(long seconds, String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            long left = deadline - System.nanoTime();
            String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("child " + pid() + " printed no line starting with " + List.of(prefixes)
                        + " within " + seconds + " s; it printed " + transcript());
            }
            if (line.equals(END_OF_OUTPUT)) {
                this.lines.add(END_OF_OUTPUT);
                throw new AssertionError("child " + pid() + " ended (exit " + exitCode() + ") before printing a line"
                        + " starting with " + List.of(prefixes) + "; it printed " + transcript());
            }
            for (String prefix : prefixes) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
    }

    /** Sends one command line to the child's stdin. */
    void send(String line) throws IOException {
        this.stdin.write(line + "\n");
        this.stdin.flush();
    }

    /** Closes the child's stdin and waits for it to exit; its exit code. */
    int awaitExit(long seconds) throws InterruptedException {
        try {
            this.stdin.close();
        }
        catch (IOException ex) {
            // already gone
        }
        if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + pid() + " did not exit within " + seconds + " s");
        }
        return this.process.exitValue();
    }

    /** {@code SIGKILL}, then waits until the process is gone. */
    void kill() throws InterruptedException {
        this.process.destroyForcibly();
        if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + pid() + " survived SIGKILL for 60 s");
        }
    }

    private String exitCode() {
        return this.process.isAlive() ? "still running" : String.valueOf(this.process.exitValue());
    }

    private synchronized List<String> transcript() {
        return new ArrayList<>(this.transcript);
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    if (this.transcript.size() < 200) {
                        this.transcript.add(line);
                    }
                }
                this.lines.add(line);
            }
        }
        catch (IOException ex) {
            // the child was killed: what was read stands
        }
        finally {
            this.lines.add(END_OF_OUTPUT);
        }
    }

    @Override
    public void close() {
        if (this.process.isAlive()) {
            try {
                kill();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while killing child " + pid(), ex);
            }
        }
    }

}
