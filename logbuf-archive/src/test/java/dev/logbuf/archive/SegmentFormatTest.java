package dev.logbuf.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes on disk are exactly those {@code docs/archive-format.md} describes. */
class SegmentFormatTest {

    @TempDir
    Path dir;

    @Test
    void aSegmentIsTheDocumentedHeaderFollowedByTheDocumentedFrames() throws Exception {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).clock(new MutableClock(0x0102030405L)).open()) {
            for (int i = 0; i < 5; i++) {
                ArchiveFixtures.append(writer, new byte[] { (byte) i });
            }
            ArchiveFixtures.append(writer, "hi".getBytes(StandardCharsets.US_ASCII));
        }
        Path segment = dir.resolve("00000000000000000000.seg");
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, 32).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(Arrays.copyOf(bytes, 4)).asString(StandardCharsets.US_ASCII).isEqualTo("LBAR");
        assertThat(header.getInt(4)).isEqualTo(1);
        assertThat(header.getLong(8)).isZero();
        assertThat(header.getLong(16)).isEqualTo(0x0102030405L);
        assertThat(header.getInt(24)).isZero();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, 28);
        assertThat(header.getInt(28)).isEqualTo((int) crc.getValue());

        // the example in the document: record "hi" with sequence 5 is the last frame
        byte[] lastFrame = Arrays.copyOfRange(bytes, bytes.length - 18, bytes.length);
        assertThat(HexFormat.ofDelimiter(" ").formatHex(lastFrame))
            .isEqualTo("4f 3d a2 32 02 00 00 00 05 00 00 00 00 00 00 00 68 69");
        assertThat(bytes.length).isEqualTo(32 + 5 * 17 + 18);
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

}
