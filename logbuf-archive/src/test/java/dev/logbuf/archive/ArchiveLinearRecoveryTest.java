package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's quadratic recovery: one flipped byte in front of a 2 MiB record in a 16 MB
 * segment. Reading counts the bytes it checksums, hashes or checks; that work must stay
 * within a small multiple of the segment's size, and double when the segment doubles.
 * (How long it takes is shown by {@code ArchiveRecoveryBenchmark}, not here.)
 */
class ArchiveLinearRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void readingADamaged16MbSegmentChecksEachByteABoundedNumberOfTimesAndTwiceAsManyAt32Mb() throws IOException {
        long work16 = damagedReadWork(dir.resolve("16"), 16);
        long work32 = damagedReadWork(dir.resolve("32"), 32);
        long size16 = Files.size(ArchiveFixtures.segments(dir.resolve("16")).get(0));
        System.out.printf("linear recovery: %d bytes checked for a %d-byte segment, %d for twice the records%n", work16,
                size16, work32);
        assertThat(work16).isLessThanOrEqualTo(2 * size16);
        assertThat((double) work32 / work16).isBetween(1.8, 2.2);
    }

    /**
     * Writes {@code megabytes - 2} MiB of 64 KiB records, then a 2 MiB record; flips a
     * byte of the chunk header just before the large record; reads it all back (with the
     * writer's recovery too) and returns the reader's work.
     */
    static long damagedReadWork(Path archive, int megabytes) throws IOException {
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'f');
        byte[] large = new byte[2 << 20];
        Arrays.fill(large, (byte) 'L');
        int fillers = (megabytes - 2) * 16;
        try (ArchiveWriter writer = ArchiveWriter.builder(archive).flushPolicy(FlushPolicy.NONE).open()) {
            for (int i = 0; i < fillers; i++) {
                writer.onRecord(ByteBuffer.wrap(filler), 0, filler.length, SegmentFormat.NO_POSITION);
            }
            writer.onRecord(ByteBuffer.wrap(large), 0, large.length, SegmentFormat.NO_POSITION);
            writer.endOfBatch();
        }
        Path segment = ArchiveFixtures.segments(archive).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        ArchiveFixtures.Chunk before = ArchiveFixtures.chunks(bytes)
            .stream()
            .filter(chunk -> chunk.sequence() == fillers - 1 && chunk.type() == SegmentFormat.LAST)
            .findFirst()
            .orElseThrow();
        bytes[before.offset() + 9] ^= 0x01;
        Files.write(segment, bytes);

        ArchiveReader reader = ArchiveReader.open(archive);
        long records = 0;
        for (ArchiveRecord record : reader) {
            records++;
        }
        // the damaged header's block is lost: the last filler, and the large record whose
        // first chunk shares that block (its other chunks are reported, never returned)
        assertThat(records).isEqualTo(fillers - 1);
        assertThat(reader.problems()).extracting(ArchiveProblem::kind)
            .containsExactly(ArchiveProblem.Kind.CORRUPT_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS);
        try (ArchiveWriter reopened = ArchiveWriter.builder(archive).flushPolicy(FlushPolicy.NONE).open()) {
            assertThat(reopened.nextSequence()).isEqualTo(fillers + 1);
        }
        return reader.bytesChecked();
    }

}
