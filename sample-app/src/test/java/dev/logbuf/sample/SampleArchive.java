package dev.logbuf.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.logbuf.archive.ArchiveReader;
import dev.logbuf.archive.ArchiveRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the sample's audit archive back with the core's {@link ArchiveReader}. */
final class SampleArchive {

    private SampleArchive() {
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
