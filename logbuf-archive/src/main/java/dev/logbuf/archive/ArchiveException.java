package dev.logbuf.archive;

import java.nio.file.Path;

/**
 * An archive could not be opened, read or written. The message always names the file or
 * directory concerned, which {@link #path()} also returns; the cause is the underlying
 * {@link java.io.IOException} where there is one (for example "No space left on device").
 */
public class ArchiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public ArchiveException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    public ArchiveException(Path path, String message) {
        this(path, message, null);
    }

    /** The file or directory the failure is about. */
    public Path path() {
        return path;
    }

}
