package dev.logbuf.spring.boot;

import java.nio.file.Path;

/**
 * A ring's file ({@code logbuf.rings.<name>.file}) cannot be opened: it holds a ring of
 * another type or capacity, is not a logbuf ring or is damaged, is held by another ring
 * or process, or cannot be created. The cause is the core's own error, naming the file;
 * the auto-configuration's failure analyzer names the property, where it was written and
 * what to do.
 */
public class RingFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final transient Path file;

    /**
     * @param ringName the ring's name
     * @param file the file as configured
     * @param cause the core's error
     */
    public RingFileException(String ringName, Path file, RuntimeException cause) {
        super("Logbuf ring '" + ringName + "': its file " + file + " cannot be opened: " + cause.getMessage(), cause);
        this.ringName = ringName;
        this.file = file;
    }

    /**
     * The ring's name.
     * @return the name
     */
    public String getRingName() {
        return this.ringName;
    }

    /**
     * The file as configured.
     * @return the file
     */
    public Path getFile() {
        return this.file;
    }

}
