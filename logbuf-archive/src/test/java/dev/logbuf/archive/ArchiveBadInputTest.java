package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveBadInputTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = { -1, 0, 48, (1L << 30) + 1 })
    void aSegmentSizeOutsideItsRangeIsRejectedNamingTheValue(long size) {
        assertThatThrownBy(() -> ArchiveWriter.builder(dir).segmentSize(size))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("segment size " + size);
    }

    @Test
    void badRetentionFlushAndBufferSettingsAreRejectedNamingTheValue() {
        ArchiveWriterBuilder builder = ArchiveWriter.builder(dir);
        assertThatThrownBy(() -> builder.maxSegments(-1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-1");
        assertThatThrownBy(() -> builder.maxAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder.maxAge(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PT-5S");
        assertThatThrownBy(() -> builder.flushInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("flush interval PT0S");
        assertThatThrownBy(() -> builder.writeBufferSize(100)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("write buffer size 100");
    }

    @Test
    void aNegativeRecordLengthIsRejectedNamingTheValue() {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThatThrownBy(() -> writer.onRecord(ByteBuffer.allocate(8), 0, -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record length -3");
        }
    }

    @Test
    void aMissingDirectoryIsCreatedByTheWriterButRejectedByTheReaderAndTheTool() {
        Path missing = dir.resolve("not-there");
        assertThatThrownBy(() -> ArchiveReader.open(missing)).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(missing.toString())
            .hasMessageContaining("does not exist");
        ToolRun run = ToolRun.of("verify", missing.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString(), "does not exist");

        Path nested = missing.resolve("audit");
        try (ArchiveWriter writer = ArchiveWriter.open(nested)) {
            append(writer, payload(0));
        }
        assertThat(ArchiveFixtures.readAll(nested).sequences()).containsExactly(0L);
    }

    @Test
    void aDirectoryPathThatIsAFileIsRejectedNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "hello");
        assertThatThrownBy(() -> ArchiveWriter.open(file)).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("not a directory");
        Path below = file.resolve("archive");
        assertThatThrownBy(() -> ArchiveWriter.open(below)).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(below.toString());
    }

    @Test
    void anUnwritableDirectoryIsRejectedNamingIt() throws IOException {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        try {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        catch (UnsupportedOperationException e) {
            assumeFalse(true, "no POSIX permissions here");
        }
        assumeFalse(Files.isWritable(readOnly), "running as a user who may write anywhere (root)");
        assertThatThrownBy(() -> ArchiveWriter.open(readOnly)).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(readOnly.toString())
            .hasMessageContaining("not writable");
    }

    @Test
    void aFileWithASegmentNameThatIsNotASegmentStopsTheWriterNamingIt() throws IOException {
        Path impostor = Files.writeString(dir.resolve("00000000000000000000.seg"),
                "this is a text file, not an archive segment", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ArchiveWriter.open(dir)).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining(impostor.toString())
            .hasMessageContaining("not a logbuf archive segment");
        assertThat(Files.readString(impostor)).startsWith("this is a text file"); // left
                                                                                  // untouched
    }

    @Test
    void aDamagedHeaderInTheLastSegmentStopsTheWriterNamingIt() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 5, 5);
        }
        Path segment = ArchiveFixtures.segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[9] ^= 1; // first sequence
        Files.write(segment, bytes);

        assertThatThrownBy(() -> ArchiveWriter.open(dir)).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining(segment.toString())
            .hasMessageContaining("header checksum mismatch");
    }

    @Test
    void readingAFileThatIsNotASegmentIsRejectedNamingIt() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a segment");
        assertThatThrownBy(() -> ArchiveReader.open(notes)).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining(notes.toString())
            .hasMessageContaining("LBAR");
        ToolRun run = ToolRun.of("cat", notes.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(notes.toString());
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        try (ArchiveWriter first = ArchiveWriter.open(dir)) {
            assertThatThrownBy(() -> ArchiveWriter.open(dir)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("already being written");
            append(first, payload(0));
        }
        try (ArchiveWriter second = ArchiveWriter.open(dir)) {
            assertThat(second.nextSequence()).isEqualTo(1);
        }
    }

    @Test
    void otherFilesInTheDirectoryAreIgnoredAndLeftoverTemporarySegmentsRemoved() throws IOException {
        Files.writeString(dir.resolve("README"), "archive of the audit ring");
        Path leftover = Files.write(dir.resolve("00000000000000000007.seg.tmp"), new byte[10]);
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 3, 3);
        }
        assertThat(leftover).doesNotExist();
        assertThat(dir.resolve("README")).exists();
        ArchiveFixtures.Contents contents = ArchiveFixtures.readAll(dir);
        assertThat(contents.sequences()).containsExactly(0L, 1L, 2L);
        assertThat(contents.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3 })
    void aSegmentOfAnotherFormatVersionIsRefusedByReaderToolAndWriterNamingFileAndVersion(int version)
            throws IOException {
        // a version 1 header as logbuf 0.1.0 wrote it (CRC at 28), or a future version 3
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(version == 1 ? 32 : 88)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, SegmentFormat.MAGIC).putInt(4, version);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header.array(), 0, header.capacity() - 4);
        header.putInt(header.capacity() - 4, (int) crc.getValue());
        Path segment = dir.resolve("00000000000000000000.seg");
        Files.write(segment, header.array());

        ToolRun run = ToolRun.of("verify", dir.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(segment.toString(), "unsupported format version " + version,
                "reads archive format version 2 only", version == 1 ? "earlier logbuf" : "newer logbuf");
        assertThatThrownBy(() -> ArchiveWriter.open(dir)).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining(segment.toString())
            .hasMessageContaining("unsupported format version " + version);
        assertThat(Files.readAllBytes(segment)).as("left untouched").isEqualTo(header.array());
    }

    @Test
    void anImpossibleRecordLengthUndoesTheBatchSoThatItsRecordsAreNotWrittenTwice() {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            writer.onRecord(ByteBuffer.wrap(payload(0)), 0, payload(0).length, 0);
            assertThatThrownBy(() -> writer.onRecord(ByteBuffer.allocate(8), 0, -3, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record length -3");
            writer.onRecord(ByteBuffer.wrap(payload(0)), 0, payload(0).length, 0);
            writer.endOfBatch();
        }
        assertThat(ArchiveFixtures.readAll(dir).sequences()).containsExactly(0L);
    }

}
