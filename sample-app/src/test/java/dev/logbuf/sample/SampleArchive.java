package dev.logbuf.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.logbuf.archive.ArchiveReader;
import dev.logbuf.archive.ArchiveRecord;

import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the sample's audit archive back with the core's {@link ArchiveReader}. */
final class SampleArchive {

    private SampleArchive() {
    }

    /**
     * A new temporary directory for a test class's archive, made when the class loads
     * (its properties are registered before any test runs).
     */
    static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Points the audit ring's archive at {@code archive} and its ring file next to it,
     * for a {@code @DynamicPropertySource}.
     */
    static void register(DynamicPropertyRegistry registry, Path archive) {
        registry.add("logbuf.rings.audit.archive.directory", archive::toString);
        registry.add("logbuf.rings.audit.file", () -> archive.resolveSibling(archive.getFileName() + ".ring"));
    }

    /**
     * The archived records that start with {@code run} (every record for {@code ""}), as
     * UTF-8 text, in archive order, while the application may still be writing.
     */
    static List<String> texts(Path directory, String run) {
        List<String> texts = new ArrayList<>();
        for (byte[] record : readWhileWriting(directory)) {
            String text = new String(record, StandardCharsets.UTF_8);
            if (text.startsWith(run)) {
                texts.add(text);
            }
        }
        return texts;
    }

    /**
     * Every record of the archive, in order, while the application may still be writing
     * it: a write in progress may show as a torn tail, which ends the read at the last
     * whole record; any other damage fails the test.
     */
    static List<byte[]> readWhileWriting(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        ArchiveReader reader = ArchiveReader.open(directory);
        List<byte[]> records = read(reader);
        assertThat(reader.problems()).isEmpty();
        return records;
    }

    /**
     * Every record of an archive no writer has open; fails the test on any damage, a torn
     * tail included.
     */
    static List<byte[]> readClosed(Path directory) {
        ArchiveReader reader = ArchiveReader.open(directory);
        List<byte[]> records = read(reader);
        assertThat(reader.isClean()).as("problems %s, torn tail %s", reader.problems(), reader.tornTail()).isTrue();
        return records;
    }

    private static List<byte[]> read(ArchiveReader reader) {
        List<byte[]> records = new ArrayList<>();
        for (ArchiveRecord record : reader) {
            records.add(record.toByteArray());
        }
        return records;
    }

}
