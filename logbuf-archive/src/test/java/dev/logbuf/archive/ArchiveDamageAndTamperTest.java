package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static dev.logbuf.archive.ArchiveFixtures.readAll;
import static dev.logbuf.archive.ArchiveFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.archive.ArchiveFixtures.Chunk;
import dev.logbuf.archive.ArchiveFixtures.Contents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage is not a tear (issue 11): bit rot at the end of the archive is reported, never
 * cut; a deleted newest segment is reported and its sequences never reused. And tamper
 * evidence: a record altered with its checksums recomputed, removed, inserted or the
 * records renumbered is found by {@code verify}, which names the segment and the offsets.
 */
class ArchiveDamageAndTamperTest {

    @TempDir
    Path dir;

    @Test
    void bitRotInTheLastRecordIsReportedAndKeptNotCutAndTheWriterAppendsAfterIt() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 10, 10);
        }
        Path segment = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        Chunk last = lastRecord(bytes);
        bytes[last.offset() + SegmentFormat.CHUNK_HEADER_LENGTH] ^= 0x10;
        Files.write(segment, bytes);

        ToolRun verify = ToolRun.of("verify", dir.toString());
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.err()).contains("CORRUPT: " + segment + " offset " + last.offset(), "data checksum mismatch")
            .doesNotContain("TORN TAIL");

        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredTornTail()).isEmpty();
            assertThat(writer.recoveredDamage()).singleElement()
                .satisfies(kept -> assertThat(kept.offset()).isEqualTo(last.offset()));
            assertThat(writer.recordsDropped()).as("damage is reported, not counted as dropped").isZero();
            assertThat(writer.nextSequence()).as("record 9's sequence is not reused").isEqualTo(10);
            appendRange(writer, 10, 15, 5);
        }
        assertThat(Files.size(segment)).isGreaterThan(bytes.length);
        Contents contents = readAll(dir);
        assertThat(contents.sequences()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 10L, 11L, 12L, 13L, 14L);
        assertThat(contents.problems()).extracting(ArchiveProblem::kind)
            .containsExactly(ArchiveProblem.Kind.CORRUPT_RECORDS, ArchiveProblem.Kind.MISSING_RECORDS);
        assertThat(ToolRun.of("verify", dir.toString()).status()).as("still reported").isEqualTo(1);
    }

    @Test
    void bitRotInTheVeryLastChunkIsDamageTheWriterKeepsAndGoesOnAtTheNextBlock() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 10, 10);
        }
        Path segment = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        List<Chunk> chunks = ArchiveFixtures.chunks(bytes);
        Chunk anchor = chunks.get(chunks.size() - 1);
        assertThat(anchor.end()).isEqualTo(bytes.length);
        bytes[anchor.offset() + 20] ^= 0x01; // the anchor's header: a complete chunk that
                                             // fails
        Files.write(segment, bytes);
        ArchiveFixtures.deleteHead(dir); // the worst case: nothing besides the segment

        Contents damaged = readAll(dir);
        assertThat(damaged.tornTail()).as("a complete chunk failing its checksum is not a tear").isNull();
        assertThat(damaged.problems()).singleElement()
            .satisfies(problem -> assertThat(problem.offset()).isEqualTo(anchor.offset()));

        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredTornTail()).isEmpty();
            assertThat(writer.recoveredDamage()).singleElement()
                .satisfies(problem -> assertThat(problem.kind()).isEqualTo(ArchiveProblem.Kind.CORRUPT_RECORDS));
            assertThat(writer.nextSequence()).as("sequences the damage may hide are not reused")
                .isGreaterThanOrEqualTo(10);
            long next = writer.nextSequence();
            appendRange(writer, next, next + 3, 3);
        }
        assertThat(Files.readAllBytes(segment)).startsWith(bytes);
        Contents contents = readAll(dir);
        assertThat(contents.records()).hasSize(13);
        assertThat(contents.problems()).extracting(ArchiveProblem::kind).contains(ArchiveProblem.Kind.CORRUPT_RECORDS);
        assertThat(ToolRun.of("verify", dir.toString()).status()).isEqualTo(1);
    }

    @Test
    void aDeletedNewestSegmentIsReportedByVerifyAndItsSequencesAreNeverUsedAgain() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
            appendRange(writer, 0, 100, 10);
        }
        List<Path> before = segments(dir);
        Path newest = before.get(before.size() - 1);
        long firstLost = SegmentFormat.firstSequenceOf(newest);
        Files.delete(newest);

        ToolRun verify = ToolRun.of("verify", dir.toString());
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.err()).contains("records " + firstLost + "..99 are missing at the end",
                "archive.head says record 99 was written");

        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(1024).open()) {
            assertThat(writer.nextSequence()).isEqualTo(100);
            assertThat(writer.recordsDropped()).isEqualTo(100 - firstLost);
            assertThat(writer.recoveredDamage()).singleElement()
                .satisfies(problem -> assertThat(problem.detail()).contains("not used again"));
            appendRange(writer, 100, 110, 10);
        }
        Contents contents = readAll(dir);
        List<Long> sequences = contents.sequences();
        assertThat(sequences).doesNotHaveDuplicates().isSorted().contains(100L, 109L).doesNotContain(firstLost);
        assertThat(contents.problems()).extracting(ArchiveProblem::kind).contains(ArchiveProblem.Kind.MISSING_RECORDS);
        assertThat(ToolRun.of("verify", dir.toString()).status()).isEqualTo(1);
    }

    @Test
    void aDamagedHeadFileIsReportedByVerifyAndWrittenAnewByTheNextWriter() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            appendRange(writer, 0, 5, 5);
        }
        Path head = dir.resolve(SegmentFormat.HEAD_FILE_NAME);
        byte[] bytes = Files.readAllBytes(head);
        bytes[10] ^= 0x04;
        Files.write(head, bytes);

        ToolRun verify = ToolRun.of("verify", dir.toString());
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.err()).contains(head.toString(), "is damaged");
        assertThat(readAll(dir).records()).hasSize(5);

        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            assertThat(writer.recoveredDamage()).singleElement()
                .satisfies(problem -> assertThat(problem.segment()).isEqualTo(head));
            assertThat(writer.nextSequence()).isEqualTo(5);
            appendRange(writer, 5, 8, 3);
        }
        assertThat(ToolRun.of("verify", dir.toString()).status()).isZero();
        assertThat(ToolRun.of("stats", dir.toString()).out()).contains("archive head:   record 7, chain ");
    }

    @Test
    void aRecordAlteredWithItsChecksumsRecomputedIsFoundByTheHashChain() throws IOException {
        Path segment = writeThreeSegments();
        byte[] bytes = Files.readAllBytes(segment);
        Chunk victim = records(bytes).get(3);
        bytes[victim.offset() + SegmentFormat.CHUNK_HEADER_LENGTH] ^= 0x20;
        reseal(bytes, victim.offset());
        Files.write(segment, bytes);

        assertTampered(segment, victim.offset());
        assertThat(readAll(dir).records()).as("every checksum is valid: the records read back").hasSize(60);
    }

    @Test
    void aRecordRemovedAndTheRestRenumberedIsFoundByTheHashChain() throws IOException {
        Path segment = writeThreeSegments();
        byte[] bytes = Files.readAllBytes(segment);
        Chunk removed = records(bytes).get(3);
        byte[] shorter = new byte[bytes.length - (removed.end() - removed.offset())];
        System.arraycopy(bytes, 0, shorter, 0, removed.offset());
        System.arraycopy(bytes, removed.end(), shorter, removed.offset(), bytes.length - removed.end());
        // renumber the records after it so that no sequence is missing
        ByteBuffer file = ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN);
        for (Chunk chunk : ArchiveFixtures.chunks(shorter)) {
            if (chunk.offset() >= removed.offset()) {
                file.putLong(chunk.offset() + 16, chunk.sequence() - 1);
                reseal(shorter, chunk.offset());
            }
        }
        Files.write(segment, shorter);

        assertTampered(segment, removed.offset());
    }

    @Test
    void aRecordInsertedIsFoundByTheHashChain() throws IOException {
        Path segment = writeThreeSegments();
        byte[] bytes = Files.readAllBytes(segment);
        Chunk copied = records(bytes).get(2);
        int length = copied.end() - copied.offset();
        byte[] longer = new byte[bytes.length + length];
        System.arraycopy(bytes, 0, longer, 0, copied.end());
        System.arraycopy(bytes, copied.offset(), longer, copied.end(), length);
        System.arraycopy(bytes, copied.end(), longer, copied.end() + length, bytes.length - copied.end());
        Files.write(segment, longer);

        assertTampered(segment, copied.end());
    }

    @Test
    void aSegmentSwappedForAnotherArchivesBreaksTheChainBetweenSegments() throws IOException {
        Path segment = writeThreeSegments();
        Path other = dir.resolve("other");
        try (ArchiveWriter writer = ArchiveWriter.builder(other).segmentSize(2048).open()) {
            ArchiveFixtures.append(writer, "x".getBytes()); // record 0 differs, same
                                                            // length
            appendRange(writer, 1, 60, 5);
        }
        Path same = other.resolve(segment.getFileName());
        Files.copy(same, segment, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ToolRun verify = ToolRun.of("verify", dir.toString());
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.err()).contains("TAMPERED: " + segment + " offset 0", "hash chain does not go on");
    }

    private Path writeThreeSegments() {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(2048).open()) {
            appendRange(writer, 0, 60, 5);
        }
        assertThat(ToolRun.of("verify", dir.toString()).status()).isZero();
        List<Path> segments = segments(dir);
        assertThat(segments).hasSizeGreaterThanOrEqualTo(3);
        return segments.get(1);
    }

    private void assertTampered(Path segment, int offset) {
        ToolRun verify = ToolRun.of("verify", dir.toString());
        assertThat(verify.status()).isEqualTo(1);
        Contents contents = readAll(dir);
        assertThat(contents.problems()).anySatisfy(problem -> {
            assertThat(problem.kind()).isEqualTo(ArchiveProblem.Kind.TAMPERED);
            assertThat(problem.segment()).isEqualTo(segment);
            assertThat(problem.offset()).isLessThanOrEqualTo(offset);
            assertThat(problem.offset() + problem.length()).isGreaterThan(offset);
            assertThat(verify.err()).contains("TAMPERED: " + segment + " offset " + problem.offset());
        });
    }

    private static List<Chunk> records(byte[] bytes) {
        List<Chunk> records = new ArrayList<>(ArchiveFixtures.chunks(bytes));
        records.removeIf(chunk -> !chunk.isRecordStart());
        return records;
    }

    private static Chunk lastRecord(byte[] bytes) {
        List<Chunk> records = records(bytes);
        return records.get(records.size() - 1);
    }

    /** Recomputes a chunk's data and header checksums, as a forger would. */
    private static void reseal(byte[] bytes, int chunk) {
        ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int length = file.getShort(chunk + 8) & 0xFFFF;
        file.putInt(chunk + 4, crc(bytes, chunk + SegmentFormat.CHUNK_HEADER_LENGTH, length));
        file.putInt(chunk, crc(bytes, chunk + 4, SegmentFormat.CHUNK_HEADER_LENGTH - 4));
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

}
