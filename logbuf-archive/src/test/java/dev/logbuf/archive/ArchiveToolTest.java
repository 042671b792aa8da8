package dev.logbuf.archive;

import static dev.logbuf.archive.ArchiveFixtures.append;
import static dev.logbuf.archive.ArchiveFixtures.appendRange;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveToolTest {

    @TempDir
    Path dir;

    private void writeTexts(String... texts) {
        // two one-byte records per segment
        try (ArchiveWriter writer = ArchiveWriter.builder(dir)
            .segmentSize(SegmentFormat.HEADER_LENGTH + 2 * (SegmentFormat.CHUNK_HEADER_LENGTH + 1))
            .open()) {
            for (String text : texts) {
                append(writer, text.getBytes(StandardCharsets.UTF_8));
            }
            writer.endOfBatch();
        }
    }

    @Test
    void catPrintsEachRecordAsUtf8OnItsOwnLine() {
        writeTexts("first", "zweite Zeile äöü", "третья", "4");

        ToolRun run = ToolRun.of("cat", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).containsExactly("first", "zweite Zeile äöü", "третья", "4");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void catHexPrintsSequenceTabAndHexBytes() {
        writeTexts("AB", "\n");

        ToolRun run = ToolRun.of("cat", "--hex", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).containsExactly("0\t4142", "1\t0a");
    }

    @Test
    void catOfASingleSegmentFilePrintsItsRecords() {
        writeTexts("a", "b", "c", "d", "e");
        Path second = ArchiveFixtures.segments(dir).get(1);

        ToolRun run = ToolRun.of("cat", "--hex", second.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line).matches("\\d+\t[0-9a-f]+"))
            .first()
            .asString()
            .startsWith(SegmentFormat.firstSequenceOf(second) + "\t");
    }

    @Test
    void statsCountsSegmentsRecordsBytesAndFirstAndLastSequence() throws IOException {
        try (ArchiveWriter writer = ArchiveWriter.builder(dir).segmentSize(512).maxSegments(3).open()) {
            appendRange(writer, 0, 50, 5);
        }
        ArchiveFixtures.Contents contents = ArchiveFixtures.readAll(dir);
        long payloadBytes = contents.records().stream().mapToLong(r -> r.payload().length).sum();
        long fileBytes = 0;
        for (Path segment : ArchiveFixtures.segments(dir)) {
            fileBytes += Files.size(segment);
        }

        ToolRun run = ToolRun.of("stats", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("segments:       3", "records:        " + contents.records().size(),
                "payload bytes:  " + payloadBytes, "file bytes:     " + fileBytes,
                "first sequence: " + contents.sequences().get(0), "last sequence:  49", "problems:       0");
    }

    @Test
    void verifyPassesOnAWholeArchive() {
        writeTexts("a", "b", "c");

        ToolRun run = ToolRun.of("verify", dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("OK: 3 records in 2 segments, sequences 0..2");
    }

    @Test
    void verifyFailsOnATornTailNamingSegmentAndOffset() throws IOException {
        writeTexts("a", "b", "c");
        Path last = ArchiveFixtures.segments(dir).get(1);
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, Arrays.copyOf(bytes, bytes.length - 1));

        ToolRun run = ToolRun.of("verify", dir.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("TORN TAIL: " + last + " offset " + (bytes.length - SegmentFormat.ANCHOR_LENGTH),
                "DAMAGED");
    }

    @Test
    void usageErrorsExitWithTwoAndPrintTheUsage() {
        assertThat(ToolRun.of().status()).isEqualTo(2);
        ToolRun unknown = ToolRun.of("compact", dir.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command", "usage: ArchiveTool cat");
        assertThat(ToolRun.of("verify").status()).isEqualTo(2);
        assertThat(ToolRun.of("stats", "--hex", dir.toString()).status()).isEqualTo(2);
    }

}
