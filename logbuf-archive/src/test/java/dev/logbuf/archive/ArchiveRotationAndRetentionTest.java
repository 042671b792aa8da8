package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static dev.logbuf.archive.ArchiveFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.archive.ArchiveFixtures.Contents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveRotationAndRetentionTest {

    private static final int HEADER = SegmentFormat.HEADER_LENGTH;

    private static final int FRAME = SegmentFormat.CHUNK_HEADER_LENGTH;

    private static final int ANCHOR = SegmentFormat.ANCHOR_LENGTH;

    private static final byte[] TEN_BYTES = "0123456789".getBytes();

    @TempDir
    Path dir;

    private static List<String> names(Path dir) {
        return segments(dir).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void aRecordThatExactlyFillsTheSegmentStaysInIt() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(HEADER + 2 * (FRAME + 10)).open()) {
            append(writer, TEN_BYTES);
            append(writer, TEN_BYTES);
            writer.endOfBatch();
            assertThat(names(dir)).containsExactly("00000000000000000000.seg");
            assertThat(Files.size(writer.currentSegment())).as("the batch's anchor may go past the size")
                .isEqualTo(HEADER + 2 * (FRAME + 10) + ANCHOR);

            append(writer, TEN_BYTES);
            writer.endOfBatch();
        }
        assertThat(names(dir)).containsExactly("00000000000000000000.seg", "00000000000000000002.seg");
    }

    @Test
    void oneByteOverTheSegmentSizeStartsANewSegment() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(HEADER + 2 * (FRAME + 10) - 1).open()) {
            append(writer, TEN_BYTES);
            append(writer, TEN_BYTES);
            writer.endOfBatch();
        }
        assertThat(names(dir)).containsExactly("00000000000000000000.seg", "00000000000000000001.seg");
    }

    @Test
    void aRecordLargerThanASegmentGetsASegmentOfItsOwn() throws IOException {
        byte[] large = new byte[500];
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(HEADER + FRAME + 10).open()) {
            append(writer, TEN_BYTES);
            append(writer, large);
            append(writer, TEN_BYTES);
            writer.endOfBatch();
        }
        List<Path> segments = segments(dir);
        assertThat(names(dir)).containsExactly("00000000000000000000.seg", "00000000000000000001.seg",
                "00000000000000000002.seg");
        assertThat(Files.size(segments.get(1))).isEqualTo(HEADER + FRAME + 500 + ANCHOR);
        assertThat(readAll(dir).sequences()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void segmentNamesAreTheFirstSequenceOfTheirRecordsAndSortInRecordOrder() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(700).open()) {
            appendRange(writer, 0, 400, 13);
        }
        List<Long> firstOfEachSegment = new ArrayList<>();
        Path previous = null;
        for (ArchiveRecord record : ArchiveReader.open(dir)) {
            if (!record.segment().equals(previous)) {
                firstOfEachSegment.add(record.sequence());
                previous = record.segment();
            }
        }
        List<Long> fromNames = segments(dir).stream().map(SegmentFormat::firstSequenceOf).toList();
        assertThat(fromNames).hasSizeGreaterThan(10).isSorted().isEqualTo(firstOfEachSegment);
    }

    @Test
    void maxSegmentsKeepsExactlyTheNewestSegmentsAndTheirRecordsStayReadable() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .segmentSize(HEADER + 3 * (FRAME + 10))
            .maxSegments(3)
            .open()) {
            for (int i = 0; i < 9; i++) {
                append(writer, TEN_BYTES);
            }
            writer.endOfBatch();
            assertThat(writer.segmentCount()).isEqualTo(3);
            assertThat(names(dir)).containsExactly("00000000000000000000.seg", "00000000000000000003.seg",
                    "00000000000000000006.seg");

            append(writer, TEN_BYTES); // the fourth segment starts: the oldest goes
            writer.endOfBatch();
            assertThat(writer.segmentCount()).isEqualTo(3);
        }
        assertThat(names(dir)).containsExactly("00000000000000000003.seg", "00000000000000000006.seg",
                "00000000000000000009.seg");
        Contents contents = readAll(dir);
        assertThat(contents.sequences()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(contents.problems()).isEmpty();
    }

    @Test
    void maxSegmentsIsAppliedWhenAnExistingArchiveIsReopened() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(300).open()) {
            appendRange(writer, 0, 60, 5);
        }
        int before = segments(dir).size();
        assertThat(before).isGreaterThan(4);

        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(300).maxSegments(2).open()) {
            assertThat(writer.segmentCount()).isEqualTo(2);
        }
        Contents contents = readAll(dir);
        assertThat(segments(dir)).hasSize(2);
        assertThat(contents.sequences()).last().isEqualTo(59L);
        assertThat(contents.problems()).isEmpty();
    }

    @Test
    void maxAgeDeletesSealedSegmentsAtTheLimitButNeverTheCurrentOne() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        List<Path> deleted = new ArrayList<>();
        ArchiveListener listener = new ArchiveListener() {
            @Override
            public void onSegmentDeleted(Path segment) {
                deleted.add(segment.getFileName());
            }
        };
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .segmentSize(HEADER + FRAME + 10)
            .maxAge(Duration.ofMinutes(10))
            .clock(clock)
            .listener(listener)
            .open()) {
            append(writer, TEN_BYTES);
            append(writer, TEN_BYTES); // seals segment 0 at t0
            writer.endOfBatch();
            clock.advance(Duration.ofMinutes(5));
            append(writer, TEN_BYTES); // seals segment 1 at t0 + 5 min
            writer.endOfBatch();

            clock.advance(Duration.ofMinutes(5).minusMillis(1));
            writer.endOfBatch();
            assertThat(names(dir)).hasSize(3);

            clock.advance(Duration.ofMillis(1));
            writer.endOfBatch();
            assertThat(names(dir)).containsExactly("00000000000000000001.seg", "00000000000000000002.seg");

            clock.advance(Duration.ofDays(365));
            writer.endOfBatch();
            assertThat(names(dir)).containsExactly("00000000000000000002.seg");
            assertThat(writer.segmentCount()).isEqualTo(1);
        }
        assertThat(deleted).map(Path::toString).containsExactly("00000000000000000000.seg", "00000000000000000001.seg");
        assertThat(readAll(dir).sequences()).containsExactly(2L);
    }

    @Test
    void maxAgeOnReopenJudgesSealedSegmentsByTheirModificationTime() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(HEADER + FRAME + 10).open()) {
            for (int i = 0; i < 4; i++) {
                append(writer, TEN_BYTES);
            }
            writer.endOfBatch();
        }
        MutableClock clock = new MutableClock(1_800_000_000_000L);
        List<Path> segments = segments(dir);
        Files.setLastModifiedTime(segments.get(0),
                FileTime.fromMillis(clock.millis() - Duration.ofHours(3).toMillis()));
        Files.setLastModifiedTime(segments.get(1),
                FileTime.fromMillis(clock.millis() - Duration.ofHours(2).toMillis()));
        Files.setLastModifiedTime(segments.get(2),
                FileTime.fromMillis(clock.millis() - Duration.ofMinutes(30).toMillis()));
        Files.setLastModifiedTime(segments.get(3),
                FileTime.fromMillis(clock.millis() - Duration.ofHours(5).toMillis()));

        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .segmentSize(HEADER + FRAME + 10)
            .maxAge(Duration.ofHours(1))
            .clock(clock)
            .open()) {
            assertThat(writer.segmentCount()).isEqualTo(2);
        }
        // the last segment is the one being written: kept although its time is older
        assertThat(names(dir)).containsExactly("00000000000000000002.seg", "00000000000000000003.seg");
    }

    @Test
    void segmentCountFollowsRotationAndMatchesTheDirectory() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(512).open()) {
            assertThat(writer.segmentCount()).isEqualTo(1);
            appendRange(writer, 0, 100, 10);
            assertThat(writer.segmentCount()).isEqualTo(segments(dir).size()).isGreaterThan(5);
        }
        assertThat(readAll(dir).records()).containsExactlyElementsOf(expected(0, 100));
    }

}
