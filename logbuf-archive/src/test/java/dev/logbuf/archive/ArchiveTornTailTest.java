package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static dev.logbuf.archive.ArchiveFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.archive.ArchiveFixtures.Contents;
import dev.logbuf.archive.ArchiveFixtures.Read;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of a write leaves the last segment cut at an arbitrary byte.
 * Whatever the byte, the reader must return exactly the records wholly before it, and a
 * writer opened afterwards must cut the torn bytes and continue the sequence after the
 * last whole record.
 */
class ArchiveTornTailTest {

    private static final int SEGMENT_SIZE = 4096;

    private static final int CUTS = 1200;

    @TempDir
    Path dir;

    @Test
    void aTailCutAtAnyOfMoreThanAThousandRandomOffsetsLosesOnlyTheRecordsNotWhollyBeforeTheCut() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(SEGMENT_SIZE).open()) {
            appendRange(writer, 0, 400, 11);
            long next = 400;
            while (Files.size(writer.currentSegment()) < SEGMENT_SIZE - 200) {
                append(writer, payload(next++));
                writer.endOfBatch();
            }
        }
        List<Path> original = segments(dir);
        assertThat(original).hasSizeGreaterThan(3);
        Path last = original.get(original.size() - 1);
        byte[] lastBytes = Files.readAllBytes(last);
        List<Read> all = readAll(dir).records();

        // records of the last segment and every offset where a chunk ends cleanly
        List<Read> beforeLast = new ArrayList<>();
        List<long[]> lastSegmentRecords = new ArrayList<>(); // {sequence, end of its last
                                                             // chunk}
        for (ArchiveRecord record : ArchiveReader.open(dir)) {
            if (!record.segment().equals(last)) {
                beforeLast.add(new Read(record.sequence(), record.toByteArray()));
            }
        }
        java.util.TreeSet<Integer> cleanEnds = new java.util.TreeSet<>();
        cleanEnds.add(SegmentFormat.HEADER_LENGTH);
        for (ArchiveFixtures.Chunk chunk : ArchiveFixtures.chunks(lastBytes)) {
            cleanEnds.add(chunk.end());
            if (chunk.type() != SegmentFormat.ANCHOR) {
                lastSegmentRecords.add(new long[] { chunk.sequence(), chunk.end() });
            }
        }
        assertThat(lastSegmentRecords).hasSizeGreaterThan(5);

        // distinct offsets, random order: both ends, then a random sample of the others
        List<Integer> offsets = new ArrayList<>();
        for (int offset = 1; offset < lastBytes.length; offset++) {
            offsets.add(offset);
        }
        Collections.shuffle(offsets, new Random(20261126L));
        offsets.add(0, lastBytes.length);
        offsets.add(0, 0);
        assertThat(offsets.size()).isGreaterThanOrEqualTo(CUTS);
        int tornTails = 0;
        for (int round = 0; round < CUTS; round++) {
            int cut = offsets.get(round);
            restore(original, last, Arrays.copyOf(lastBytes, cut));
            // a crash that cuts a segment write may lose the head's last update too
            ArchiveFixtures.deleteHead(dir);

            List<Read> wholeBeforeCut = new ArrayList<>(beforeLast);
            for (long[] record : lastSegmentRecords) {
                if (record[1] <= cut) {
                    wholeBeforeCut.add(all.get((int) record[0]));
                }
            }
            long validEnd = cut < SegmentFormat.HEADER_LENGTH ? 0 : cleanEnds.floor(cut);
            Contents contents = readAll(dir);
            assertThat(contents.records()).as("cut at %d", cut).containsExactlyElementsOf(wholeBeforeCut);
            assertThat(contents.problems()).as("cut at %d", cut).isEmpty();
            if (cut >= SegmentFormat.HEADER_LENGTH && cut == validEnd) {
                assertThat(contents.tornTail()).as("cut at %d", cut).isNull();
            }
            else {
                tornTails++;
                assertThat(contents.tornTail()).as("cut at %d", cut).isNotNull();
                assertThat(contents.tornTail().segment()).isEqualTo(last);
                long expectedOffset = validEnd;
                assertThat(contents.tornTail().offset()).as("cut at %d", cut).isEqualTo(expectedOffset);
                assertThat(contents.tornTail().length()).as("cut at %d", cut).isEqualTo(cut - expectedOffset);
            }

            long next = wholeBeforeCut.get(wholeBeforeCut.size() - 1).sequence() + 1;
            try (ArchiveWriter writer = ArchiveWriter.builder(dir)
                .segmentSize(SEGMENT_SIZE)
                .flushPolicy(FlushPolicy.NONE)
                .writeBufferSize(ArchiveWriterBuilder.MIN_WRITE_BUFFER_SIZE)
                .open()) {
                assertThat(writer.nextSequence()).as("cut at %d", cut).isEqualTo(next);
                append(writer, payload(next));
            }
            Contents resumed = readAll(dir);
            List<Read> expected = new ArrayList<>(wholeBeforeCut);
            expected.add(new Read(next, payload(next)));
            assertThat(resumed.records()).as("resumed after cut at %d", cut).containsExactlyElementsOf(expected);
            assertThat(resumed.problems()).as("resumed after cut at %d", cut).isEmpty();
            assertThat(resumed.tornTail()).as("resumed after cut at %d", cut).isNull();
        }
        assertThat(tornTails).isGreaterThan(CUTS / 2);
    }

    @Test
    void theWriterReportsWhatItCutFromATornTail() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 10, 10);
        }
        Path segment = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        ArchiveFixtures.Chunk lastRecord = ArchiveFixtures.chunks(bytes)
            .stream()
            .filter(ArchiveFixtures.Chunk::isRecordStart)
            .reduce((a, b) -> b)
            .orElseThrow();
        int cut = lastRecord.end() - 3;
        Files.write(segment, Arrays.copyOf(bytes, cut));
        ArchiveFixtures.deleteHead(dir);

        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredTornTail()).hasValueSatisfying(torn -> {
                assertThat(torn.offset()).isEqualTo(lastRecord.offset());
                assertThat(torn.length()).isEqualTo(cut - lastRecord.offset());
                assertThat(torn.kind()).isEqualTo(ArchiveProblem.Kind.TORN_TAIL);
            });
            assertThat(writer.nextSequence()).isEqualTo(9);
            assertThat(writer.recoveredDamage()).isEmpty();
        }
        assertThat(Files.size(segment)).as("cut, then the unanchored records anchored")
            .isEqualTo(lastRecord.offset() + SegmentFormat.ANCHOR_LENGTH);
    }

    /**
     * Puts the archive back as it was, with the last segment replaced by
     * {@code lastContent}.
     */
    private void restore(List<Path> original, Path last, byte[] lastContent) throws IOException {
        for (Path segment : segments(dir)) {
            if (!original.contains(segment)) {
                Files.delete(segment);
            }
        }
        // overwrite, then cut: truncating to zero first would make ext4 flush the file on
        // close (auto_da_alloc)
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer content = ByteBuffer.wrap(lastContent);
            while (content.hasRemaining()) {
                channel.write(content, content.position());
            }
            channel.truncate(lastContent.length);
        }
    }

}
