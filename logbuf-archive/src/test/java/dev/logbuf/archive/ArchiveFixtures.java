package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shared helpers for the archive tests: deterministic payloads, appending, reading
 * everything back.
 */
final class ArchiveFixtures {

    private ArchiveFixtures() {
    }

    /** A record read back: its sequence and a copy of its payload. */
    record Read(long sequence, byte[] payload) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Read other && other.sequence == sequence && Arrays.equals(other.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return sequence + ":" + new String(payload, StandardCharsets.ISO_8859_1);
        }
    }

    /** Everything a reader returned and reported. */
    record Contents(List<Read> records, List<ArchiveProblem> problems, ArchiveProblem tornTail) {
        List<Long> sequences() {
            return records.stream().map(Read::sequence).toList();
        }
    }

    /**
     * The payload of record {@code sequence}: 1..120 bytes, content derived from the
     * sequence.
     */
    static byte[] payload(long sequence) {
        int length = 1 + (int) ((sequence * 37) % 120);
        byte[] bytes = new byte[length];
        String text = "record-" + sequence + "|";
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) text.charAt(i % text.length());
        }
        return bytes;
    }

    /**
     * Hands {@code payload} to the writer the way a ring does: a read-only little-endian
     * view with an offset.
     */
    static void append(ArchiveWriter writer, byte[] payload) {
        ByteBuffer ring = ByteBuffer.allocate(payload.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        ring.put(8, payload);
        ByteBuffer view = ring.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        view.limit(8 + payload.length).position(8);
        writer.onRecord(view, 8, payload.length, SegmentFormat.NO_POSITION);
    }

    /**
     * Appends records {@code from..to-1} with {@link #payload}, ending a batch every
     * {@code batch} records.
     */
    static void appendRange(ArchiveWriter writer, long from, long to, int batch) {
        for (long sequence = from; sequence < to; sequence++) {
            append(writer, payload(sequence));
            if ((sequence - from + 1) % batch == 0) {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
    }

    static List<Read> expected(long from, long to) {
        List<Read> records = new ArrayList<>();
        for (long sequence = from; sequence < to; sequence++) {
            records.add(new Read(sequence, payload(sequence)));
        }
        return records;
    }

    static Contents readAll(Path location) {
        ArchiveReader reader = ArchiveReader.open(location);
        List<Read> records = new ArrayList<>();
        for (ArchiveRecord record : reader) {
            records.add(new Read(record.sequence(), record.toByteArray()));
        }
        return new Contents(records, reader.problems(), reader.tornTail().orElse(null));
    }

    /** A chunk as a test finds it by walking a clean segment. */
    record Chunk(int offset, int end, byte type, long sequence) {
        boolean isRecordStart() {
            return type == SegmentFormat.FULL || type == SegmentFormat.FIRST;
        }
    }

    /**
     * The chunks of an undamaged segment, in file order, found by walking the documented
     * layout (independently of the scanner).
     */
    static List<Chunk> chunks(byte[] segment) {
        ByteBuffer file = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        List<Chunk> chunks = new ArrayList<>();
        int at = SegmentFormat.HEADER_LENGTH;
        while (at < segment.length) {
            int room = SegmentFormat.BLOCK_SIZE - at % SegmentFormat.BLOCK_SIZE;
            if (room < SegmentFormat.CHUNK_HEADER_LENGTH || file.getInt(at) == 0) {
                at += room; // padding
                continue;
            }
            int length = file.getShort(at + 8) & 0xFFFF;
            int end = at + SegmentFormat.CHUNK_HEADER_LENGTH + length;
            chunks.add(new Chunk(at, end, file.get(at + 10), file.getLong(at + 16)));
            at = end;
        }
        return chunks;
    }

    /** Removes {@code archive.head}: as after a crash that lost its last update. */
    static void deleteHead(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(SegmentFormat.HEAD_FILE_NAME));
    }

    static List<Path> segments(Path directory) {
        return SegmentIo.listSegments(directory);
    }

    /**
     * Copies every regular file of {@code from} into the empty or missing directory
     * {@code to}.
     */
    static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    static void deleteDirectory(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

}
