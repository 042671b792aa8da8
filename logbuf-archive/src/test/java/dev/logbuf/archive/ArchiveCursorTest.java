package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logbuf.archive.ArchiveFixtures.Read;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchiveCursor} follows an archive while it is written: the segment being
 * written, rotations, batches written in several pieces, batches undone, segments gone.
 */
class ArchiveCursorTest {

    @TempDir
    Path dir;

    private final List<ArchiveProblem> problems = new ArrayList<>();

    /** Everything the cursor returns now. */
    private List<Read> drain(ArchiveCursor cursor) {
        List<Read> read = new ArrayList<>();
        ArchiveRecord record;
        while ((record = cursor.next()) != null) {
            read.add(new Read(record.sequence(), record.toByteArray()));
        }
        return read;
    }

    @Test
    void followsTheSegmentBeingWrittenBatchByBatchAcrossRotations() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open();
                ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            assertThat(cursor.next()).as("an empty archive").isNull();
            List<Read> read = new ArrayList<>();
            for (long from = 0; from < 2000; from += 50) {
                appendRange(writer, from, from + 50, 50);
                List<Read> batch = drain(cursor);
                assertThat(batch).as("the batch from %d, once its end was written", from)
                    .containsExactlyElementsOf(expected(from, from + 50));
                read.addAll(batch);
            }
            assertThat(read).containsExactlyElementsOf(expected(0, 2000));
            assertThat(ArchiveFixtures.segments(dir)).hasSizeGreaterThan(10);
            assertThat(cursor.recordsMissing()).isZero();
            assertThat(cursor.writtenSequence()).isEqualTo(1999);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aBatchWrittenInSeveralPiecesIsReturnedOnlyOnceItEnds() {
        // the smallest write buffer (one 32 KiB block): a batch of 1000 records (about 90
        // KiB) goes to the file in several writes
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).writeBufferSize(4096).open();
                ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            appendRange(writer, 0, 10, 10);
            long sizeBefore = size(writer.currentSegment());
            for (long sequence = 10; sequence < 1010; sequence++) {
                append(writer, payload(sequence));
            }
            assertThat(size(writer.currentSegment())).as("part of the batch is in the file").isGreaterThan(sizeBefore);
            assertThat(drain(cursor)).as("the finished batch, nothing of the unfinished one")
                .containsExactlyElementsOf(expected(0, 10));
            writer.endOfBatch();
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(10, 1010));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aBatchUndoneAfterAFailedWriteIsNeverReturnedAndItsRetryIsReturnedOnce() throws IOException {
        List<FailingChannel> channels = new ArrayList<>();
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).writeBufferSize(4096).channelOpener(segment -> {
            FailingChannel channel = new FailingChannel(FileChannel.open(segment, StandardOpenOption.WRITE));
            channels.add(channel);
            return channel;
        }).open(); ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            appendRange(writer, 0, 20, 20);
            // a batch that writes part of itself, then hits a full disk
            for (long sequence = 20; sequence < 1020; sequence++) {
                append(writer, payload(sequence));
            }
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(0, 20));
            channels.get(0).full = true;
            assertThatThrownBy(writer::endOfBatch).isInstanceOf(ArchiveException.class);
            assertThat(cursor.next()).as("nothing of the undone batch").isNull();
            channels.get(0).full = false;
            // the ring hands the same records again
            appendRange(writer, 20, 1020, 1000);
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(20, 1020));
            assertThat(cursor.recordsMissing()).isZero();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void startsAtTheGivenSequenceOrAtTheOldestRecordPresent() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            appendRange(writer, 0, 1000, 100);
        }
        try (ArchiveCursor cursor = ArchiveCursor.open(dir, 777, problems::add)) {
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(777, 1000));
        }
        List<Path> segments = ArchiveFixtures.segments(dir);
        segments.subList(0, 3).forEach(ArchiveCursorTest::delete);
        long oldest = SegmentFormat.firstSequenceOf(segments.get(3));
        try (ArchiveCursor cursor = ArchiveCursor.open(dir, -1, problems::add)) {
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(oldest, 1000));
            assertThat(cursor.recordsMissing()).as("nothing was promised before the oldest").isZero();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void segmentsDeletedBeforeTheyWereReadAreCountedAndReportedAsMissing() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            appendRange(writer, 0, 1000, 100);
        }
        List<Path> segments = ArchiveFixtures.segments(dir);
        long secondFirst = SegmentFormat.firstSequenceOf(segments.get(1));
        long thirdFirst = SegmentFormat.firstSequenceOf(segments.get(2));
        long fourthFirst = SegmentFormat.firstSequenceOf(segments.get(3));
        delete(segments.get(0));
        delete(segments.get(2));
        try (ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            List<Read> read = drain(cursor);
            assertThat(cursor.recordsMissing()).isEqualTo(secondFirst + (fourthFirst - thirdFirst));
            assertThat(read).hasSize((int) (1000 - cursor.recordsMissing()));
            assertThat(read.get(0).sequence()).isEqualTo(secondFirst);
        }
        assertThat(problems).extracting(ArchiveProblem::kind)
            .containsExactly(ArchiveProblem.Kind.MISSING_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS);
        assertThat(problems.get(0).detail()).contains("records 0.." + (secondFirst - 1) + " are missing");
    }

    @Test
    void damageInASealedSegmentIsReportedOnceAndTheRecordsAfterItAreReturned() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(64 * 1024).open()) {
            appendRange(writer, 0, 2000, 100);
        }
        Path first = ArchiveFixtures.segments(dir).get(0);
        ArchiveFixtures.Chunk victim = ArchiveFixtures.chunks(Files.readAllBytes(first))
            .stream()
            .filter(chunk -> chunk.sequence() == 100 && chunk.isRecordStart())
            .findFirst()
            .orElseThrow();
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            file.seek(victim.end() - 1);
            int b = file.read();
            file.seek(victim.end() - 1);
            file.write(b ^ 0xFF); // the record's data no longer matches its checksum
        }
        try (ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            List<Read> read = drain(cursor);
            assertThat(read).hasSize(1999).doesNotContain(new Read(100, payload(100)));
            assertThat(cursor.recordsMissing()).isEqualTo(1);
            assertThat(cursor.next()).isNull();
        }
        assertThat(problems).extracting(ArchiveProblem::kind)
            .contains(ArchiveProblem.Kind.CORRUPT_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS)
            .doesNotHaveDuplicates();
    }

    @Test
    void aSegmentDeletedOnceReadIsLetGoAndTheCursorGoesOnInTheNextOne() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open();
                ArchiveCursor cursor = ArchiveCursor.open(dir, 0, problems::add)) {
            appendRange(writer, 0, 50, 50);
            assertThat(drain(cursor)).hasSize(50);
            Path done = cursor.currentSegment();
            // a record larger than a segment starts a segment of its own: the one read is
            // sealed, everything in it returned
            byte[] large = new byte[10_000];
            append(writer, large);
            assertThat(ArchiveFixtures.segments(dir)).hasSize(2);
            delete(done); // as retention does once a checkpoint passed it
            assertThat(cursor.next()).isNull();
            assertThat(cursor.currentSegment()).as("the deleted segment is let go").isNull();
            writer.endOfBatch();
            ArchiveRecord record = cursor.next();
            assertThat(record.sequence()).isEqualTo(50);
            assertThat(record.toByteArray()).isEqualTo(large);
            appendRange(writer, 51, 100, 49);
            assertThat(drain(cursor)).containsExactlyElementsOf(expected(51, 100));
            assertThat(cursor.recordsMissing()).isZero();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aDirectoryThatDoesNotExistIsRefusedNamingIt() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ArchiveCursor.open(missing, 0)).isInstanceOf(ArchiveException.class)
            .hasMessageContaining(missing.toString())
            .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ArchiveCursor.open(dir, -2)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-2");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

}
