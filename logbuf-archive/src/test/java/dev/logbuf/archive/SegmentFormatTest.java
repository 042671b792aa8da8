package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes on disk are exactly those {@code docs/archive-format.md} describes. */
class SegmentFormatTest {

    @TempDir
    Path dir;

    @Test
    void aSegmentIsTheDocumentedHeaderFollowedByTheDocumentedChunksAndAnAnchor() throws Exception {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).clock(new MutableClock(0x0102030405L)).open()) {
            writer.onStart(0x1122334455667788L);
            ByteBuffer ring = ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN);
            writer.onRecord(ring, 0, 2, 4096);
            writer.endOfBatch();
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("00000000000000000000.seg"));
        ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(Arrays.copyOf(bytes, 4)).asString(StandardCharsets.US_ASCII).isEqualTo("LBAR");
        assertThat(file.getInt(4)).isEqualTo(2);
        assertThat(file.getLong(8)).isZero();
        assertThat(file.getLong(16)).isEqualTo(0x0102030405L);
        assertThat(file.getLong(24)).as("no ring yet when the segment was created").isZero();
        assertThat(file.getLong(32)).isEqualTo(-1);
        assertThat(file.getInt(40)).isEqualTo(32768);
        assertThat(file.getInt(44)).isZero();
        assertThat(Arrays.copyOfRange(bytes, 48, 80)).as("the first segment's chain starts from zeros").containsOnly(0);
        assertThat(file.getInt(84)).isEqualTo(crc(bytes, 0, 84));

        // the ring change is an anchor before the record: no record yet, ring id from
        // here
        int ringAnchor = 88;
        assertThat(bytes[ringAnchor + 10]).isEqualTo((byte) 5);
        assertThat(file.getLong(ringAnchor + 32)).isEqualTo(0x1122334455667788L);
        byte[] start = new byte[32];
        byte[] afterRingAnchor = sha256(start);
        assertThat(Arrays.copyOfRange(bytes, ringAnchor + 40, ringAnchor + 72)).isEqualTo(afterRingAnchor);

        int record = ringAnchor + 72;
        assertThat(file.getInt(record)).as("header checksum").isEqualTo(crc(bytes, record + 4, 28));
        assertThat(file.getInt(record + 4)).as("data checksum").isEqualTo(crc(bytes, record + 32, 2));
        assertThat(file.getShort(record + 8)).isEqualTo((short) 2);
        assertThat(bytes[record + 10]).as("FULL").isEqualTo((byte) 1);
        assertThat(bytes[record + 11]).isZero();
        assertThat(file.getInt(record + 12)).isEqualTo(2);
        assertThat(file.getLong(record + 16)).as("sequence").isZero();
        assertThat(file.getLong(record + 24)).as("ring position").isEqualTo(4096);
        assertThat(new String(bytes, record + 32, 2, StandardCharsets.US_ASCII)).isEqualTo("hi");

        int anchor = record + 34;
        assertThat(bytes[anchor + 10]).as("ANCHOR").isEqualTo((byte) 5);
        assertThat(file.getLong(anchor + 16)).as("covers record").isZero();
        assertThat(file.getLong(anchor + 24)).isEqualTo(4096);
        MessageDigest chain = MessageDigest.getInstance("SHA-256");
        chain.update(afterRingAnchor);
        chain.update(bytes, record, 34);
        assertThat(Arrays.copyOfRange(bytes, anchor + 40, anchor + 72)).isEqualTo(chain.digest());
        assertThat(bytes.length).isEqualTo(anchor + 72);

        // the example in the document: the record chunk of "hi", sequence 0, ring
        // position 4096
        assertThat(HexFormat.ofDelimiter(" ").formatHex(bytes, record, record + 34)).isEqualTo(DOCUMENTED_RECORD_CHUNK);
    }

    static final String DOCUMENTED_RECORD_CHUNK = "8e a5 e0 b4 c2 d9 9d f5 02 00 01 00 02 00 00 00 00 00 00 00 00 00 00 00"
            + " 00 10 00 00 00 00 00 00 68 69";

    @Test
    void aRecordLongerThanABlockIsCutIntoFragmentsThatNeverCrossABlockBoundary() throws Exception {
        byte[] large = new byte[80_000];
        Arrays.fill(large, (byte) 7);
        try (ArchiveWriter writer = ArchiveWriter.open(dir)) {
            ArchiveFixtures.append(writer, large);
            writer.endOfBatch();
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("00000000000000000000.seg"));
        ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int first = 88;
        assertThat(bytes[first + 10]).as("FIRST").isEqualTo((byte) 2);
        assertThat(file.getShort(first + 8) & 0xFFFF).isEqualTo(32768 - 88 - 32);
        assertThat(bytes[32768 + 10]).as("MIDDLE at the next block start").isEqualTo((byte) 3);
        assertThat(file.getShort(32768 + 8) & 0xFFFF).isEqualTo(32768 - 32);
        assertThat(bytes[65536 + 10]).as("LAST at the block after").isEqualTo((byte) 4);
        assertThat(file.getInt(65536 + 12)).isEqualTo(80_000);
        assertThat(ArchiveFixtures.readAll(dir).records()).singleElement()
            .satisfies(read -> assertThat(read.payload()).isEqualTo(large));
    }

    @Test
    void segmentNamesAreTwentyDigitsThatSortLikeTheirSequences() {
        assertThat(SegmentFormat.segmentName(0)).isEqualTo("00000000000000000000.seg");
        assertThat(SegmentFormat.segmentName(Long.MAX_VALUE)).isEqualTo("09223372036854775807.seg");
        assertThat(SegmentFormat.segmentName(999)).isLessThan(SegmentFormat.segmentName(1000));
        assertThat(SegmentFormat.isSegmentName("00000000000000001234.seg")).isTrue();
        assertThat(SegmentFormat.isSegmentName("0000000000000000123x.seg")).isFalse();
        assertThat(SegmentFormat.isSegmentName("00000000000000001234.seg.tmp")).isFalse();
        assertThat(SegmentFormat.isSegmentName("99999999999999999999.seg")).isFalse();
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

}
