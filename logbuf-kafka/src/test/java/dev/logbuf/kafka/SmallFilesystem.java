package dev.logbuf.kafka;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a tmpfs of a given size mounted on a
 * directory (Linux, as root, which is how CI runs the tests). Where it cannot be mounted
 * the test is skipped with a message that says why.
 */
final class SmallFilesystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code size} (as {@code mount -o size=}, e.g. "2m") on
     * {@code dir}.
     */
    static SmallFilesystem mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String result = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (result != null) {
            abort("cannot mount a " + size + " tmpfs on " + dir + " (" + result
                    + "): this disk-full test needs Linux and root, as CI has; it did not run");
        }
        return new SmallFilesystem(dir);
    }

    Path path() {
        return mountPoint;
    }

    /** Free bytes as the file system reports them. */
    long freeBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String result = run("umount", mountPoint.toString());
        if (result != null) {
            throw new IOException("cannot unmount " + mountPoint + ": " + result);
        }
    }

    /** Runs a command; null on success, otherwise what went wrong. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            return e.getMessage();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish within 30 s";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }

}
