package dev.logbuf.spring.boot;

import java.nio.file.Path;

import dev.logbuf.archive.ArchiveException;

/**
 * A ring's archive cannot be opened when its drain loop starts: the directory cannot be
 * created or written, another writer holds it, or a file in it is not a segment. The
 * auto-configuration's failure analyzer names the {@code archive.directory} property,
 * where it was written and what to do.
 */
public class ArchiveOpenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final transient Path directory;

    /**
     * @param ringName the ring whose archive failed to open
     * @param directory the archive directory as configured
     * @param cause the archive's own error, naming the path at fault
     */
    public ArchiveOpenException(String ringName, Path directory, ArchiveException cause) {
        super("Logbuf ring '" + ringName + "': the archive in " + directory + " cannot be opened: "
                + cause.getMessage(), cause);
        this.ringName = ringName;
        this.directory = directory;
    }

    /**
     * The ring's name.
     * @return the name
     */
    public String getRingName() {
        return this.ringName;
    }

    /**
     * The archive directory as configured.
     * @return the directory
     */
    public Path getDirectory() {
        return this.directory;
    }

    @Override
    public synchronized ArchiveException getCause() {
        return (ArchiveException) super.getCause();
    }

}
