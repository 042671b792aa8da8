package dev.logbuf.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an archive directory holds on disk, to check the starter's archive counters
 * against the files ({@code docs/archive-format.md}).
 */
public final class ArchiveDirectory {

    /** A segment header, format version 2 ({@code docs/archive-format.md}). */
    public static final int SEGMENT_HEADER_LENGTH = 88;

    private ArchiveDirectory() {
    }

    /**
     * The segment files, in name (record) order.
     * @param directory the archive directory
     * @return the segments
     */
    public static List<Path> segments(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter((file) -> file.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Bytes of chunks in the segment files: their sizes without the segment headers.
     * @param directory the archive directory
     * @return the bytes
     */
    public static long chunkBytes(Path directory) {
        long bytes = 0;
        for (Path segment : segments(directory)) {
            try {
                bytes += Files.size(segment) - SEGMENT_HEADER_LENGTH;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return bytes;
    }

}
