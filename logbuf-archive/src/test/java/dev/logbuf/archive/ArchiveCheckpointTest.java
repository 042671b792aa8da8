package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints of the archive's readers, and retention that never deletes what a reader
 * has not passed.
 */
class ArchiveCheckpointTest {

    @TempDir
    Path dir;

    private final List<Path> held = new ArrayList<>();

    private final List<Path> deleted = new ArrayList<>();

    private final List<ArchiveException> errors = new ArrayList<>();

    private final ArchiveListener listener = new ArchiveListener() {
        @Override
        public void onSegmentHeld(Path segment, Path checkpoint, long checkpointSequence) {
            held.add(segment);
        }

        @Override
        public void onSegmentDeleted(Path segment) {
            deleted.add(segment);
        }

        @Override
        public void onError(ArchiveException error) {
            errors.add(error);
        }
    };

    @Test
    void aSavedSequenceIsReadBackAndNoTemporaryFileStays() throws IOException {
        ArchiveCheckpoint checkpoint = ArchiveCheckpoint.of(dir, "kafka-audit");
        assertThat(checkpoint.exists()).isFalse();
        assertThat(checkpoint.read()).as("no file: nothing done yet").isEqualTo(-1);
        checkpoint.save(41);
        checkpoint.save(1234);
        assertThat(ArchiveCheckpoint.of(dir, "kafka-audit").read()).isEqualTo(1234);
        assertThat(checkpoint.file()).isEqualTo(dir.resolve("kafka-audit.checkpoint"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("kafka-audit.checkpoint");
        }
    }

    @Test
    void whenNoTemporaryFileCanBeWrittenTheCheckpointIsOverwrittenInPlace() throws IOException {
        ArchiveCheckpoint checkpoint = ArchiveCheckpoint.of(dir, "reader");
        checkpoint.save(7);
        // the temporary file's name is taken by a directory that cannot be removed
        Path blocked = Files.createDirectory(dir.resolve("reader.checkpoint.tmp"));
        Files.writeString(blocked.resolve("keep"), "x");
        checkpoint.save(8);
        assertThat(checkpoint.read()).isEqualTo(8);
        Files.delete(blocked.resolve("keep"));
        Files.delete(blocked);
        ArchiveCheckpoint fresh = ArchiveCheckpoint.of(dir, "fresh");
        Files.createDirectory(dir.resolve("fresh.checkpoint.tmp"));
        Files.writeString(dir.resolve("fresh.checkpoint.tmp").resolve("keep"), "x");
        assertThatThrownBy(() -> fresh.save(1)).as("no file to overwrite: the failure is reported")
            .isInstanceOf(ArchiveException.class)
            .hasMessageContaining(fresh.file().toString());
    }

    @Test
    void aDamagedOrForeignCheckpointIsRefusedNamingTheFileAndWhatToDo() throws IOException {
        ArchiveCheckpoint checkpoint = ArchiveCheckpoint.of(dir, "reader");
        checkpoint.save(99);
        byte[] bytes = Files.readAllBytes(checkpoint.file());
        bytes[9] ^= 0x01;
        Files.write(checkpoint.file(), bytes);
        assertThatThrownBy(checkpoint::read).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining(checkpoint.file().toString())
            .hasMessageContaining("damaged")
            .hasMessageContaining("delete it");
        Files.writeString(checkpoint.file(), "42\n");
        assertThatThrownBy(checkpoint::read).isInstanceOf(ArchiveFormatException.class)
            .hasMessageContaining("is not an archive checkpoint");
        assertThatThrownBy(() -> ArchiveCheckpoint.of(dir, "../elsewhere")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("../elsewhere");
        assertThatThrownBy(() -> checkpoint.save(-2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retentionHoldsSegmentsACheckpointHasNotPassedAndDeletesThemOncePassed() {
        ArchiveCheckpoint checkpoint = ArchiveCheckpoint.of(dir, "shipper");
        checkpoint.save(-1);
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .segmentSize(8192)
            .maxSegments(3)
            .listener(listener)
            .open()) {
            appendRange(writer, 0, 1500, 100);
            List<Path> segments = ArchiveFixtures.segments(dir);
            assertThat(segments).as("nothing shipped: nothing deleted").hasSizeGreaterThan(6);
            assertThat(deleted).isEmpty();
            assertThat(writer.segmentsHeld()).isEqualTo(segments.size() - 3);
            assertThat(held).as("reported once per oldest segment held").containsExactly(segments.get(0));

            // the reader is done with the records of the first four segments
            long passed = SegmentFormat.firstSequenceOf(segments.get(4)) - 1;
            checkpoint.save(passed);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                writer.endOfBatch(); // the checkpoints are read again at most once a
                                     // second
                return deleted.size() == 4;
            });
            assertThat(deleted).containsExactlyElementsOf(segments.subList(0, 4));
            assertThat(ArchiveFixtures.segments(dir).get(0)).isEqualTo(segments.get(4));
            assertThat(writer.segmentsHeld()).isEqualTo(ArchiveFixtures.segments(dir).size() - 3);
            assertThat(held).hasSize(2).last().isEqualTo(segments.get(4));

            checkpoint.save(writer.writtenSequence());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                writer.endOfBatch();
                return writer.segmentsHeld() == 0;
            });
            assertThat(ArchiveFixtures.segments(dir)).hasSize(3);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void retentionAtOpenHoldsWhatTheCheckpointHasNotPassed() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            appendRange(writer, 0, 1000, 100);
        }
        int before = ArchiveFixtures.segments(dir).size();
        ArchiveCheckpoint.of(dir, "shipper").save(10);
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).maxSegments(2).listener(listener).open()) {
            assertThat(ArchiveFixtures.segments(dir)).hasSize(before);
            assertThat(writer.segmentsHeld()).isEqualTo(before - 2);
        }
        assertThat(held).hasSize(1);
        ArchiveCheckpoint.of(dir, "shipper").save(999);
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).maxSegments(2).listener(listener).open()) {
            assertThat(ArchiveFixtures.segments(dir)).hasSize(2);
            assertThat(writer.segmentsHeld()).isZero();
        }
    }

    @Test
    void theReaderFurthestBehindHoldsAndADamagedCheckpointHoldsEverythingAndIsReported() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            appendRange(writer, 0, 1000, 100);
        }
        List<Path> segments = ArchiveFixtures.segments(dir);
        ArchiveCheckpoint.of(dir, "fast").save(999);
        ArchiveCheckpoint.of(dir, "slow").save(SegmentFormat.firstSequenceOf(segments.get(2)) - 1);
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).maxSegments(1).listener(listener).open()) {
            assertThat(ArchiveFixtures.segments(dir)).as("the slow reader keeps its segments")
                .containsExactlyElementsOf(segments.subList(2, segments.size()));
            assertThat(writer.segmentsHeld()).isEqualTo(segments.size() - 3);
        }
        Files.writeString(dir.resolve("slow.checkpoint"), "garbage");
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).maxSegments(1).listener(listener).open()) {
            assertThat(ArchiveFixtures.segments(dir)).hasSize(segments.size() - 2);
            assertThat(writer.segmentsHeld()).isEqualTo(segments.size() - 3);
        }
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).hasMessageContaining("retention keeps every segment")
            .hasMessageContaining("slow.checkpoint");
    }

}
