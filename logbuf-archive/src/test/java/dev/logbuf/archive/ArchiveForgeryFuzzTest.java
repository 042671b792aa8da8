package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's forgery: payloads that carry whole valid chunks (a record and its anchor,
 * taken from a real archive, claiming the carrier's own sequence), then damage at every
 * byte of the chunks around them (each bit flipped, the byte inverted, the file cut
 * there). Whatever is damaged, a reader must never return a forged record nor a wrong
 * byte, and a writer reopened on the damaged archive must not adopt one either.
 */
class ArchiveForgeryFuzzTest {

    @TempDir
    Path dir;

    private final Map<Long, byte[]> genuine = new HashMap<>();

    private int variants;

    private long recordsReturned;

    private long recordsLost;

    @Test
    void payloadsHoldingWholeValidChunksNeverComeBackAsRecordsWhateverIsDamaged() throws IOException {
        Path archive = dir.resolve("archive");
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            payloads.add(("before-" + i).getBytes(StandardCharsets.US_ASCII));
        }
        payloads.add(forgedChunks(3, 1)); // a small carrier: one forged record and anchor
        payloads.add("between".getBytes(StandardCharsets.US_ASCII));
        payloads.add(forgedChunks(5, 400)); // 400 copies: a carrier across two blocks
        payloads.add("after".getBytes(StandardCharsets.US_ASCII));
        try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
            writer.onStart(7);
            for (int i = 0; i < payloads.size(); i++) {
                byte[] payload = payloads.get(i);
                writer.onRecord(ByteBuffer.wrap(payload), 0, payload.length, 64L * i);
                genuine.put((long) i, payload);
                if (i == 3) {
                    writer.endOfBatch();
                }
            }
            writer.endOfBatch();
        }
        Path segment = ArchiveFixtures.segments(archive).get(0);
        byte[] clean = Files.readAllBytes(segment);
        List<ArchiveFixtures.Chunk> chunks = ArchiveFixtures.chunks(clean);
        assertThat(readBack(archive)).hasSize(payloads.size());

        // the bytes to damage: every chunk header and anchor, and the small carrier whole
        List<int[]> regions = new ArrayList<>();
        for (ArchiveFixtures.Chunk chunk : chunks) {
            boolean smallCarrier = chunk.sequence() == 3 && chunk.type() == SegmentFormat.FULL;
            int to = chunk.type() == SegmentFormat.ANCHOR || smallCarrier || chunk.end() - chunk.offset() < 64
                    ? chunk.end() : chunk.offset() + SegmentFormat.CHUNK_HEADER_LENGTH;
            regions.add(new int[] { chunk.offset(), to });
        }
        for (int[] region : regions) {
            for (int at = region[0]; at < region[1]; at++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] damaged = clean.clone();
                    damaged[at] ^= (byte) (1 << bit);
                    check(archive, segment, damaged, "bit " + bit + " of byte " + at, bit == 0);
                }
                byte[] inverted = clean.clone();
                inverted[at] ^= (byte) 0xFF;
                check(archive, segment, inverted, "byte " + at + " inverted", false);
                check(archive, segment, Arrays.copyOf(clean, at), "cut at " + at, at % 5 == 0);
            }
        }
        System.out.printf("forgery fuzz: %d damaged archives, %d records returned (all genuine, byte for byte),"
                + " %d records lost to the damage, 0 forged%n", variants, recordsReturned, recordsLost);
        assertThat(variants).isGreaterThan(3000);
        assertThat(recordsLost).as("the damage did cost records, so the forged ones had their chance").isPositive();
    }

    /**
     * Chunks as a writer of another archive wrote them: {@code copies} times a record
     * claiming sequence {@code sequence} followed by its anchor.
     */
    private byte[] forgedChunks(long sequence, int copies) throws IOException {
        Path donor = dir.resolve("donor-" + sequence);
        try (ArchiveWriter writer = ArchiveWriter.open(donor)) {
            writer.onStart(7);
            for (long s = 0; s < sequence; s++) {
                writer.onRecord(ByteBuffer.wrap(new byte[] { 1 }), 0, 1, 64 * s);
            }
            writer.endOfBatch();
            byte[] forged = ("FORGED record " + sequence).getBytes(StandardCharsets.US_ASCII);
            writer.onRecord(ByteBuffer.wrap(forged), 0, forged.length, 64 * sequence);
            writer.endOfBatch();
        }
        byte[] bytes = Files.readAllBytes(ArchiveFixtures.segments(donor).get(0));
        List<ArchiveFixtures.Chunk> chunks = ArchiveFixtures.chunks(bytes);
        ArchiveFixtures.Chunk record = chunks.get(chunks.size() - 2);
        ArchiveFixtures.Chunk anchor = chunks.get(chunks.size() - 1);
        assertThat(record.sequence()).isEqualTo(sequence);
        byte[] one = Arrays.copyOfRange(bytes, record.offset(), anchor.end());
        byte[] all = new byte[one.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    private void check(Path archive, Path segment, byte[] content, String damage, boolean reopenWriter)
            throws IOException {
        variants++;
        Files.write(segment, content);
        ArchiveFixtures.deleteHead(archive);
        List<ArchiveRecord> records = readBack(archive);
        recordsReturned += records.size();
        recordsLost += genuine.size() - records.size();
        for (ArchiveRecord record : records) {
            assertThat(genuine).as(damage).containsKey(record.sequence());
            assertThat(record.toByteArray()).as("%s: record %d", damage, record.sequence())
                .isEqualTo(genuine.get(record.sequence()));
        }
        if (reopenWriter) {
            try (ArchiveWriter writer = ArchiveWriter.open(archive)) {
                writer.onRecord(ByteBuffer.wrap(new byte[] { 9 }), 0, 1, SegmentFormat.NO_POSITION);
                writer.endOfBatch();
            }
            catch (ArchiveFormatException refused) {
                return; // a damaged segment header: the writer refuses, naming it
            }
            for (ArchiveRecord record : readBack(archive)) {
                byte[] bytes = record.toByteArray();
                assertThat(
                        genuine.containsKey(record.sequence()) && Arrays.equals(bytes, genuine.get(record.sequence()))
                                || Arrays.equals(bytes, new byte[] { 9 }))
                    .as("%s, after the writer reopened: record %d", damage, record.sequence())
                    .isTrue();
            }
        }
    }

    private static List<ArchiveRecord> readBack(Path archive) {
        List<ArchiveRecord> records = new ArrayList<>();
        for (ArchiveRecord record : ArchiveReader.open(archive)) {
            records.add(record);
        }
        return records;
    }

}
