package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static dev.logbuf.archive.ArchiveFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.logbuf.archive.ArchiveFixtures.Contents;
import dev.logbuf.archive.ArchiveFixtures.Read;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped bit anywhere in any segment: {@code verify} must fail and name the segment
 * and an offset range covering the bit, and the reader must return every other record and
 * never the damaged one.
 */
class ArchiveCorruptionTest {

    private static final int RECORDS = 200;

    private static final int FLIPS = 600;

    @TempDir
    Path dir;

    @Test
    void aBitFlippedAnywhereFailsVerifyAtItsPlaceAndOnlyItsRecordIsLost() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(2048).open()) {
            appendRange(writer, 0, RECORDS, 9);
        }
        List<Path> segments = segments(dir);
        assertThat(segments).hasSizeGreaterThan(3);
        java.util.Map<Path, List<ArchiveFixtures.Chunk>> chunks = new java.util.HashMap<>();
        for (Path segment : segments) {
            chunks.put(segment, ArchiveFixtures.chunks(Files.readAllBytes(segment)));
        }
        List<Read> all = expected(0, RECORDS);

        Random random = new Random(6L);
        int headerFlips = 0;
        int chunkHeaderFlips = 0;
        for (int i = 0; i < FLIPS; i++) {
            Path segment = segments.get(random.nextInt(segments.size()));
            byte[] bytes = Files.readAllBytes(segment);
            int position = i % 10 == 0 ? random.nextInt(SegmentFormat.HEADER_LENGTH) : random.nextInt(bytes.length);
            int bit = random.nextInt(8);
            flip(segment, bytes, position, bit);
            try {
                ArchiveFixtures.Chunk damaged = chunks.get(segment)
                    .stream()
                    .filter(c -> c.offset() <= position && position < c.end())
                    .findFirst()
                    .orElse(null);
                List<Read> expected = new ArrayList<>(all);
                if (damaged == null) {
                    headerFlips++;
                }
                else {
                    if (position < damaged.offset() + SegmentFormat.CHUNK_HEADER_LENGTH) {
                        // a damaged chunk header cannot be trusted for its length: the
                        // rest of its block is lost, reading goes on at the next block
                        // start
                        chunkHeaderFlips++;
                        long blockEnd = SegmentFormat.nextBlock(damaged.offset());
                        chunks.get(segment)
                            .stream()
                            .filter(c -> c.offset() >= damaged.offset() && c.offset() < blockEnd
                                    && c.type() != SegmentFormat.ANCHOR)
                            .forEach(c -> expected.removeIf(r -> r.sequence() == c.sequence()));
                    }
                    else if (damaged.type() != SegmentFormat.ANCHOR) {
                        expected.removeIf(r -> r.sequence() == damaged.sequence());
                    }
                }
                String where = "bit " + bit + " of byte " + position + " in " + segment.getFileName();

                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int status = ArchiveTool.run(new String[] { "verify", dir.toString() },
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                assertThat(status).as(where).isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8)).as(where).contains(segment.toString());

                Contents contents = readAll(dir);
                List<ArchiveProblem> reported = new ArrayList<>(contents.problems());
                if (contents.tornTail() != null) {
                    reported.add(contents.tornTail());
                }
                assertThat(reported).as(where).anySatisfy(problem -> {
                    assertThat(problem.segment()).isEqualTo(segment);
                    assertThat(problem.offset()).isLessThanOrEqualTo(position);
                    assertThat(problem.offset() + problem.length()).isGreaterThan(position);
                    assertThat(err.toString(StandardCharsets.UTF_8)).contains("offset " + problem.offset());
                });
                assertThat(reported).as(where)
                    .noneMatch(problem -> problem.kind() == ArchiveProblem.Kind.TAMPERED
                            || problem.kind() == ArchiveProblem.Kind.TORN_TAIL);
                assertThat(contents.records()).as(where).containsExactlyElementsOf(expected);
            }
            finally {
                flip(segment, bytes, position, bit);
            }
        }
        assertThat(chunkHeaderFlips).isGreaterThan(FLIPS / 20);
        assertThat(headerFlips).isGreaterThan(FLIPS / 20);
        assertThat(readAll(dir).records()).containsExactlyElementsOf(all);
    }

    @Test
    void aDamagedRecordInTheMiddleOfTheLastSegmentIsReportedNotMistakenForATornTail() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 20, 20);
        }
        ArchiveRecord fifth = recordAt(4);
        Path segment = fifth.segment();
        byte[] bytes = Files.readAllBytes(segment);
        flip(segment, bytes, (int) fifth.position() + SegmentFormat.CHUNK_HEADER_LENGTH, 3);

        Contents contents = readAll(dir);
        assertThat(contents.tornTail()).isNull();
        assertThat(contents.problems()).extracting(ArchiveProblem::kind)
            .containsExactly(ArchiveProblem.Kind.CORRUPT_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS);
        assertThat(contents.problems().get(0).offset()).isEqualTo(fifth.position());
        assertThat(contents.problems().get(0).message()).contains(segment.toString(), "offset " + fifth.position(),
                "checksum mismatch");
        assertThat(contents.problems().get(1).message()).contains("record 4 is missing");
        assertThat(contents.sequences()).doesNotContain(4L).hasSize(19);

        // the writer keeps the valid records after the damage and appends after them
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredTornTail()).isEmpty();
            assertThat(writer.nextSequence()).isEqualTo(20);
            appendRange(writer, 20, 25, 5);
        }
        assertThat(readAll(dir).sequences()).doesNotContain(4L).hasSize(24).last().isEqualTo(24L);
    }

    @Test
    void aLostSegmentInTheMiddleIsReportedAsMissingRecords() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
            appendRange(writer, 0, 100, 10);
        }
        Path lost = segments(dir).get(2);
        long firstLost = SegmentFormat.firstSequenceOf(lost);
        long firstAfter = SegmentFormat.firstSequenceOf(segments(dir).get(3));
        Files.delete(lost);

        Contents contents = readAll(dir);
        assertThat(contents.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(ArchiveProblem.Kind.MISSING_RECORDS);
            assertThat(problem.message()).contains("records " + firstLost + ".." + (firstAfter - 1) + " are missing");
        });
        assertThat(contents.records()).hasSize(100 - (int) (firstAfter - firstLost));
    }

    @Test
    void aDuplicatedSegmentIsReportedAndItsRecordsAreNotReturnedTwice() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
            appendRange(writer, 0, 100, 10);
        }
        Path second = segments(dir).get(1);
        long first = SegmentFormat.firstSequenceOf(second);
        // a copy under a later name: valid records whose sequences were already read
        Path copy = dir.resolve(SegmentFormat.segmentName(first + 1));
        byte[] bytes = Files.readAllBytes(second);
        Files.write(copy, bytes);

        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 100));
        assertThat(contents.problems()).extracting(ArchiveProblem::kind)
            .contains(ArchiveProblem.Kind.CORRUPT_HEADER, ArchiveProblem.Kind.OUT_OF_ORDER);
    }

    @Test
    void searchingPastDamageSkipsChanceFramesInPayloadsFullOfLengthLikeNumbers() throws IOException {
        // every 4-byte-aligned offset of this 16 MiB payload reads as a plausible
        // 60,000-byte frame length:
        // a search that checksummed each candidate would read about 250 GB; the sequence
        // bound rejects them
        ByteBuffer payload = ByteBuffer.allocate(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
        while (payload.hasRemaining()) {
            payload.putInt(60_000);
        }
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            ArchiveFixtures.append(writer, ArchiveFixtures.payload(0));
            ArchiveFixtures.append(writer, payload.array());
            ArchiveFixtures.append(writer, ArchiveFixtures.payload(2));
        }
        Path segment = segments(dir).get(0);
        byte[] content = Files.readAllBytes(segment);
        int bigFrame = SegmentFormat.HEADER_LENGTH + SegmentFormat.CHUNK_HEADER_LENGTH
                + ArchiveFixtures.payload(0).length;
        flip(segment, content, bigFrame + SegmentFormat.CHUNK_HEADER_LENGTH + 1000, 0);

        Contents contents = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> readAll(dir));

        assertThat(contents.problems()).extracting(ArchiveProblem::kind)
            .containsExactly(ArchiveProblem.Kind.CORRUPT_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS);
        assertThat(contents.problems().get(0).offset()).isEqualTo(bigFrame);
        assertThat(contents.sequences()).containsExactly(0L, 2L);
    }

    private ArchiveRecord recordAt(long sequence) {
        for (ArchiveRecord record : ArchiveReader.open(dir)) {
            if (record.sequence() == sequence) {
                return record;
            }
        }
        throw new AssertionError("no record " + sequence);
    }

    private static void flip(Path segment, byte[] bytes, int position, int bit) throws IOException {
        bytes[position] ^= (byte) (1 << bit);
        Files.write(segment, bytes);
    }

    static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

}
