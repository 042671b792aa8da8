package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static dev.logbuf.archive.ArchiveFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logbuf.archive.ArchiveFixtures.Contents;
import dev.logbuf.archive.ArchiveFixtures.Read;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiveRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void recordsReadBackInOrderWithTheirSequencesAndExactBytes() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(8192).open()) {
            appendRange(writer, 0, 1000, 17);
        }

        Contents contents = readAll(dir);

        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 1000));
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.tornTail()).isNull();
        assertThat(segments(dir)).hasSizeGreaterThan(3);
    }

    @Test
    void emptyAndLargerThanWriteBufferRecordsRoundTrip() {
        byte[] large = new byte[3 * ArchiveWriterBuilder.MIN_WRITE_BUFFER_SIZE + 5];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 7);
        }
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .writeBufferSize(ArchiveWriterBuilder.MIN_WRITE_BUFFER_SIZE)
            .open()) {
            append(writer, payload(0));
            append(writer, new byte[0]);
            append(writer, large);
            append(writer, payload(3));
            writer.endOfBatch();
        }

        assertThat(readAll(dir).records()).containsExactly(new Read(0, payload(0)), new Read(1, new byte[0]),
                new Read(2, large), new Read(3, payload(3)));
    }

    @Test
    void recordsStayInTheBatchBufferUntilEndBatchWritesThemTogether() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).flushPolicy(FlushPolicy.NONE).open()) {
            Path segment = writer.currentSegment();
            long headerOnly = Files.size(segment);
            append(writer, payload(0));
            append(writer, payload(1));

            assertThat(Files.size(segment)).isEqualTo(headerOnly);
            assertThat(writer.writtenSequence()).isEqualTo(-1);

            writer.endOfBatch();

            assertThat(Files.size(segment)).isEqualTo(headerOnly + 2 * SegmentFormat.CHUNK_HEADER_LENGTH
                    + payload(0).length + payload(1).length + SegmentFormat.ANCHOR_LENGTH);
            assertThat(writer.writtenSequence()).isEqualTo(1);
            assertThat(writer.bytesWritten()).isEqualTo(Files.size(segment) - headerOnly);
        }
    }

    @Test
    void reopenAfterCleanCloseContinuesTheSequenceInTheSameSegment() {
        Path firstSegment;
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 100, 10);
            firstSegment = writer.currentSegment();
        }
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredTornTail()).isEmpty();
            assertThat(writer.nextSequence()).isEqualTo(100);
            assertThat(writer.currentSegment()).isEqualTo(firstSegment);
            appendRange(writer, 100, 200, 10);
        }

        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 200));
        assertThat(contents.problems()).isEmpty();
        assertThat(segments(dir)).containsExactly(firstSegment);
    }

    @Test
    void reopenAfterRotationContinuesInTheLastSegmentWithoutDuplicates() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
            appendRange(writer, 0, 150, 7);
        }
        for (int round = 1; round <= 3; round++) {
            try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
                appendRange(writer, writer.nextSequence(), 150L * (round + 1), 7);
            }
        }

        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 600));
        assertThat(contents.problems()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FlushPolicy.class)
    void everyFlushPolicyWritesTheSameBytes(FlushPolicy policy, @TempDir Path reference) throws IOException {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        try (ArchiveWriter writer = ArchiveWriter.builder(reference).clock(clock).segmentSize(2048).open()) {
            appendRange(writer, 0, 120, 9);
        }
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .clock(clock)
            .segmentSize(2048)
            .flushPolicy(policy)
            .flushInterval(Duration.ofMillis(1))
            .open()) {
            appendRange(writer, 0, 120, 9);
        }

        List<Path> written = segments(dir);
        List<Path> expected = segments(reference);
        assertThat(written).hasSameSizeAs(expected);
        for (int i = 0; i < written.size(); i++) {
            assertThat(written.get(i).getFileName()).isEqualTo(expected.get(i).getFileName());
            assertThat(Files.readAllBytes(written.get(i))).isEqualTo(Files.readAllBytes(expected.get(i)));
        }
    }

    @Test
    void batchPolicyForcesEveryBatchAndReportsTheFlushedSequence() {
        List<Long> flushed = new ArrayList<>();
        ArchiveListener listener = new ArchiveListener() {
            @Override
            public void onFlush(long durationNanos, long flushedSequence) {
                flushed.add(flushedSequence);
            }
        };
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .flushPolicy(FlushPolicy.BATCH)
            .listener(listener)
            .open()) {
            appendRange(writer, 0, 10, 5);
            writer.endOfBatch(); // nothing new: no force

            assertThat(writer.flushedSequence()).isEqualTo(9);
        }
        assertThat(flushed).containsExactly(4L, 9L);
    }

    @Test
    void nonePolicyNeverForcesUnlessAskedAndBatchPolicyForcesOnClose() {
        ArchiveWriter none = ArchiveWriter.builder(dir).flushPolicy(FlushPolicy.NONE).open();
        appendRange(none, 0, 10, 5);
        assertThat(none.writtenSequence()).isEqualTo(9);
        assertThat(none.flushedSequence()).isEqualTo(-1);
        none.close();
        assertThat(none.flushedSequence()).isEqualTo(-1);

        ArchiveWriter batch = ArchiveWriter.builder(dir).flushPolicy(FlushPolicy.BATCH).open();
        append(batch, payload(10));
        assertThat(batch.flushedSequence()).isEqualTo(9);
        batch.close(); // writes and forces the unfinished batch
        assertThat(batch.flushedSequence()).isEqualTo(10);
        assertThat(readAll(dir).records()).containsExactlyElementsOf(expected(0, 11));
    }

    @Test
    void intervalPolicyForcesOnlyOnceTheIntervalHasPassed() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .flushPolicy(FlushPolicy.INTERVAL)
            .flushInterval(Duration.ofDays(1))
            .open()) {
            appendRange(writer, 0, 10, 5);
            assertThat(writer.flushedSequence()).isEqualTo(-1);
            writer.flush();
            assertThat(writer.flushedSequence()).isEqualTo(9);
        }
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .flushPolicy(FlushPolicy.INTERVAL)
            .flushInterval(Duration.ofNanos(1))
            .open()) {
            appendRange(writer, 10, 20, 5);
            assertThat(writer.flushedSequence()).isEqualTo(19);
        }
    }

    @Test
    void closeIsIdempotentAndAClosedWriterRefusesRecords() {
        ArchiveWriter writer = ArchiveWriter.open(dir);
        writer.close();
        writer.close();

        assertThatThrownBy(() -> append(writer, payload(0))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(dir.toString());
        assertThatThrownBy(writer::endOfBatch).isInstanceOf(IllegalStateException.class);
    }

}
