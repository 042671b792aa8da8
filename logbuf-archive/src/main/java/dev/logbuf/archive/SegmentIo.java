package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reading segment files and listing them: shared by the writer's recovery and the
 * readers, so that neither calls into the other.
 */
final class SegmentIo {

    private SegmentIo() {
    }

    /**
     * Segment files of a directory, in name order, which is sequence order. Other files
     * are ignored.
     */
    static List<Path> listSegments(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> found = new ArrayList<>();
            files.filter(file -> SegmentFormat.isSegmentName(file.getFileName().toString()))
                .sorted()
                .forEach(found::add);
            return found;
        }
        catch (IOException e) {
            throw new ArchiveException(directory, "cannot list archive directory " + directory + ": " + e, e);
        }
    }

    /**
     * The whole content of a segment file, little-endian; empty when the file has
     * vanished.
     */
    static ByteBuffer readSegment(Path segment) {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new ArchiveException(segment,
                        "segment " + segment + " is " + size + " bytes, more than a segment can hold (2 GiB)");
            }
            ByteBuffer content = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            while (content.hasRemaining() && channel.read(content) >= 0) {
                // keep reading until the buffer is full or the file ends
            }
            content.flip();
            return content.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (NoSuchFileException e) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (IOException e) {
            throw new ArchiveException(segment, "cannot read segment " + segment + ": " + e, e);
        }
    }

    /** Up to {@code length} bytes from the start of {@code file}. */
    static ByteBuffer readPrefix(Path file, int length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (prefix.hasRemaining() && channel.read(prefix) >= 0) {
                // fill the prefix or stop at the end of the file
            }
            prefix.flip();
            return prefix;
        }
        catch (NoSuchFileException e) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (IOException e) {
            throw new ArchiveException(file, "cannot read " + file + ": " + e, e);
        }
    }

}
