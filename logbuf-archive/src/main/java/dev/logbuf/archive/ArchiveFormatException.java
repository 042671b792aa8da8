package dev.logbuf.archive;

import java.nio.file.Path;

/**
 * A file that should be an archive segment is not one (wrong magic, damaged header,
 * unknown version), so the writer refuses to append to it. The message names the file and
 * what is wrong with it.
 */
public class ArchiveFormatException extends ArchiveException {

    private static final long serialVersionUID = 1L;

    public ArchiveFormatException(Path path, String message) {
        super(path, message);
    }

}
