package dev.logbuf.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A real, small file system for the disk-full test: a tmpfs of a given size mounted on a
 * directory (Linux, as root, which is how CI runs the tests). Where it cannot be mounted
 * the test is skipped with a message saying why.
 */
final class SmallFilesystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code size} ({@code mount -o size=}, e.g. {@code 2m}) on
     * {@code directory}.
     */
    static SmallFilesystem mount(Path directory, String size) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.toString());
        if (failure != null) {
            abort("cannot mount a " + size + " tmpfs on " + directory + " (" + failure
                    + "): the sample's disk-full test needs Linux and root, as CI has; it did not run");
        }
        return new SmallFilesystem(directory);
    }

    Path path() {
        return this.mountPoint;
    }

    long freeBytes() throws IOException {
        return Files.getFileStore(this.mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = run("umount", this.mountPoint.toString());
        if (failure != null) {
            throw new IOException("cannot unmount " + this.mountPoint + ": " + failure);
        }
    }

    /** Runs a command: null when it succeeded, else what went wrong. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            return ex.getMessage();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish within 30 s";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return (process.exitValue() == 0) ? null : "exit " + process.exitValue() + ": " + output;
    }

}
