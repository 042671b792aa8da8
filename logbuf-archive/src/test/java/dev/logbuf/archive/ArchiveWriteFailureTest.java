package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.expected;
import static dev.logbuf.archive.ArchiveFixtures.payload;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logbuf.archive.ArchiveFixtures.Contents;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: the failing write is reported naming the segment, undone, and the writer
 * recovers once space is back.
 */
class ArchiveWriteFailureTest {

    @TempDir
    Path dir;

    private final List<FailingChannel> channels = new ArrayList<>();

    private volatile boolean refuseToOpen;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private final List<ArchiveException> reported = new ArrayList<>();

    private ArchiveWriter open() {
        return open(ArchiveWriterBuilder.DEFAULT_SEGMENT_SIZE);
    }

    private ArchiveWriter open(long segmentSize) {
        return ArchiveWriter.builder(dir).segmentSize(segmentSize).clock(clock).channelOpener(segment -> {
            if (refuseToOpen) {
                throw new IOException("Too many open files");
            }
            FailingChannel channel = new FailingChannel(FileChannel.open(segment, StandardOpenOption.WRITE));
            channels.add(channel);
            return channel;
        }).listener(new ArchiveListener() {
            @Override
            public void onError(ArchiveException error) {
                reported.add(error);
            }
        }).open();
    }

    @Test
    void aDiskFullWriteIsUndoneReportedNamingTheSegmentAndTheWriterCarriesOnWhenSpaceIsBack() throws IOException {
        try (ArchiveWriter writer = open()) {
            appendRange(writer, 0, 10, 10);
            long sizeBefore = Files.size(writer.currentSegment());
            channels.get(0).full = true;

            append(writer, payload(10));
            append(writer, payload(11));
            assertThatThrownBy(writer::endOfBatch).isInstanceOf(ArchiveException.class)
                .hasMessageContaining(writer.currentSegment().toString())
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("the batch of 2 records is undone and stays in the ring")
                .satisfies(e -> assertThat(((ArchiveException) e).path()).isEqualTo(writer.currentSegment()));

            assertThat(Files.size(writer.currentSegment())).as("half-written batch cut off").isEqualTo(sizeBefore);
            assertThat(writer.lastFailure()).isPresent();
            assertThat(reported).hasSize(1);
            assertThat(writer.nextSequence()).as("sequences of the lost records are reused").isEqualTo(10);

            channels.get(0).full = false;
            appendRange(writer, 10, 20, 5);
            assertThat(writer.lastFailure()).isEmpty();
        }
        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 20));
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.tornTail()).isNull();
    }

    @Test
    void aRecordLargerThanTheWriteBufferFailingOnAFullDiskIsUndoneToo() throws IOException {
        byte[] large = new byte[3 * ArchiveWriterBuilder.DEFAULT_WRITE_BUFFER_SIZE];
        try (ArchiveWriter writer = open()) {
            appendRange(writer, 0, 3, 3);
            long sizeBefore = Files.size(writer.currentSegment());
            channels.get(0).full = true;
            assertThatThrownBy(() -> append(writer, large)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("No space left on device");
            assertThat(Files.size(writer.currentSegment())).isEqualTo(sizeBefore);
            channels.get(0).full = false;
            appendRange(writer, 3, 5, 5);
        }
        assertThat(readAll(dir).records()).containsExactlyElementsOf(expected(0, 5));
    }

    @Test
    void whenTheNextSegmentCannotBeOpenedRecordsStayInTheCurrentOneUntilARetrySucceeds() {
        byte[] ten = "0123456789".getBytes();
        try (ArchiveWriter writer = open(SegmentFormat.HEADER_LENGTH + 2 * (SegmentFormat.CHUNK_HEADER_LENGTH + 10))) {
            refuseToOpen = true;
            for (int i = 0; i < 6; i++) {
                append(writer, ten);
            }
            writer.endOfBatch();

            assertThat(ArchiveFixtures.segments(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("00000000000000000000.seg");
            assertThat(reported).singleElement()
                .satisfies(e -> assertThat(e).hasMessageContaining("00000000000000000002.seg")
                    .hasMessageContaining("Too many open files"));

            refuseToOpen = false;
            append(writer, ten); // within the retry delay: still the current segment
            clock.advance(java.time.Duration.ofSeconds(1));
            append(writer, ten);
            writer.endOfBatch();
        }
        assertThat(ArchiveFixtures.segments(dir)).extracting(p -> p.getFileName().toString())
            .containsExactly("00000000000000000000.seg", "00000000000000000007.seg");
        Contents contents = readAll(dir);
        assertThat(contents.sequences()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(contents.problems()).isEmpty();
    }

    /** Hands records to the writer as a ring's drain does: a batch, then its end. */
    private static void batch(ArchiveWriter writer, long from, long to) {
        for (long sequence = from; sequence < to; sequence++) {
            byte[] payload = payload(sequence);
            writer.onRecord(java.nio.ByteBuffer.wrap(payload), 0, payload.length, 1000 + sequence);
        }
        writer.endOfBatch();
    }

    @Test
    void aBatchThatRotatedAndThenFailedIsUndoneSegmentAndAllAndTheSameRecordsLandOnceWhenRetried() throws IOException {
        try (ArchiveWriter writer = open(1024)) {
            writer.onStart(42);
            batch(writer, 0, 5);
            Path first = writer.currentSegment();
            long firstSize = Files.size(first);
            // the next batch rotates into a new segment, whose channel then fails
            channels.clear();
            refuseToOpen = false;
            assertThatThrownBy(() -> {
                for (long sequence = 5; sequence < 20; sequence++) {
                    byte[] payload = payload(sequence);
                    writer.onRecord(java.nio.ByteBuffer.wrap(payload), 0, payload.length, 1000 + sequence);
                    if (!channels.isEmpty()) {
                        channels.get(0).full = true; // the segment the batch rotated to
                    }
                }
                writer.endOfBatch();
            }).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("records is undone and stays in the ring");
            assertThat(ArchiveFixtures.segments(dir)).as("the segment the batch started is gone")
                .containsExactly(first);
            assertThat(Files.size(first)).as("cut back to where the batch began").isEqualTo(firstSize);
            assertThat(writer.nextSequence()).isEqualTo(5);
            assertThat(writer.recordsDropped()).isZero();

            // the ring hands the same records again
            batch(writer, 5, 20);
            assertThat(writer.lastFailure()).isEmpty();
        }
        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 20));
        assertThat(contents.problems()).isEmpty();
        assertThat(ToolRun.of("verify", dir.toString()).status()).isZero();
    }

    @Test
    void anUndoThatFailsIsRetriedBeforeTheNextRecordAndNothingIsWrittenTwice() throws IOException {
        try (ArchiveWriter writer = open()) {
            writer.onStart(42);
            batch(writer, 0, 3);
            FailingChannel channel = channels.get(0);
            channel.full = true;
            channel.truncateFails = true;
            assertThatThrownBy(() -> batch(writer, 3, 6)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("undoing it failed too");
            // still failing: the writer takes nothing until the undo went through
            assertThatThrownBy(() -> batch(writer, 3, 6)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("still fails");
            channel.full = false;
            channel.truncateFails = false;
            batch(writer, 3, 6);
            assertThat(writer.recordsDropped()).isZero();
        }
        Contents contents = readAll(dir);
        assertThat(contents.records()).containsExactlyElementsOf(expected(0, 6));
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.tornTail()).isNull();
    }

    @Test
    void aFailedBatchTakenAsARecordHandlerIsCountedAsDropped() {
        try (ArchiveWriter writer = open()) {
            appendRange(writer, 0, 2, 2);
            channels.get(0).full = true;
            byte[] payload = payload(2);
            @SuppressWarnings("removal")
            Runnable asHandler = () -> writer.onRecord(java.nio.ByteBuffer.wrap(payload), 0, payload.length);
            asHandler.run();
            assertThatThrownBy(writer::endOfBatch).hasMessageContaining("1 records were not archived");
            assertThat(writer.recordsDropped()).isEqualTo(1);
            channels.get(0).full = false;
        }
    }

}
