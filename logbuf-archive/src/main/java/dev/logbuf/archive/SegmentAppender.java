package dev.logbuf.archive;

import static dev.logbuf.archive.SegmentFormat.ANCHOR;
import static dev.logbuf.archive.SegmentFormat.ANCHOR_DATA_LENGTH;
import static dev.logbuf.archive.SegmentFormat.CHUNK_DATA_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_DATA_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_HEADER_CRC_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_HEADER_LENGTH;
import static dev.logbuf.archive.SegmentFormat.CHUNK_POSITION_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_RECORD_LENGTH_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_SEQUENCE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.CHUNK_TYPE_OFFSET;
import static dev.logbuf.archive.SegmentFormat.FIRST;
import static dev.logbuf.archive.SegmentFormat.FULL;
import static dev.logbuf.archive.SegmentFormat.LAST;
import static dev.logbuf.archive.SegmentFormat.MIDDLE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * Framing and appending: turns records into chunks laid out in 32 KiB blocks
 * ({@link SegmentFormat}), keeps the hash chain over them, collects them in a write
 * buffer and hands the buffer to the segment's channel. It knows nothing of rotation,
 * retention, flush policies or failures: the {@link ArchiveWriter} decides when to write,
 * force, switch segments and undo; every method here just does its I/O and lets an
 * {@link IOException} through.
 */
final class SegmentAppender {

    private final ByteBuffer buffer;

    private final ByteBuffer view;

    private final CRC32C crc = new CRC32C();

    private MessageDigest chain = Digests.sha256();

    private byte[] anchorValue;

    private FileChannel channel;

    private Path path;

    /** Bytes of the segment handed to the operating system. */
    private long written;

    /**
     * @param bufferSize bytes collected before a write; at least one block
     */
    SegmentAppender(int bufferSize) {
        this.buffer = ByteBuffer.allocateDirect(Math.max(bufferSize, SegmentFormat.BLOCK_SIZE))
            .order(ByteOrder.LITTLE_ENDIAN);
        this.view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Appends to {@code channel} from {@code length} on; the buffer must be empty.
     */
    void switchTo(FileChannel channel, Path path, long length) {
        this.channel = channel;
        this.path = path;
        this.written = length;
    }

    /**
     * Sets the chain: {@code anchorValue} is the last anchor's value; {@code running},
     * when not null, is a chain that has taken records since that anchor.
     */
    void restoreChain(byte[] anchorValue, MessageDigest running) {
        this.anchorValue = anchorValue.clone();
        if (running != null) {
            this.chain = Digests.copy(running);
        }
        else {
            this.chain.reset();
            this.chain.update(anchorValue);
        }
    }

    FileChannel channel() {
        return channel;
    }

    Path path() {
        return path;
    }

    /** File offset of the next chunk: bytes on disk plus bytes buffered. */
    long end() {
        return written + buffer.position();
    }

    /** Bytes of the segment handed to the operating system. */
    long written() {
        return written;
    }

    boolean hasBuffered() {
        return buffer.position() > 0;
    }

    /** The value of the last anchor appended (or restored). */
    byte[] anchorValue() {
        return anchorValue;
    }

    /**
     * Appends one record as one or more chunks; writes the buffer out whenever the next
     * chunk does not fit in it.
     */
    void appendRecord(ByteBuffer source, int offset, int length, long sequence, long ringPosition) throws IOException {
        int from = offset;
        int left = length;
        boolean first = true;
        while (first || left > 0) {
            int room = SegmentFormat.blockRemaining(end());
            if (room < CHUNK_HEADER_LENGTH) {
                int padding = pad(room);
                if (!first) {
                    // padding between two chunks of a record is part of the record's
                    // bytes for the chain, as the scanner hashes the record's whole span
                    view.limit(padding + room).position(padding);
                    chain.update(view);
                }
                continue;
            }
            int data = Math.min(left, room - CHUNK_HEADER_LENGTH);
            byte type = first ? (data == left ? FULL : FIRST) : (data == left ? LAST : MIDDLE);
            ensureRoom(CHUNK_HEADER_LENGTH + data);
            int chunk = buffer.position();
            buffer.put(chunk + CHUNK_HEADER_LENGTH, source, from, data);
            putHeader(chunk, type, data, length, sequence, ringPosition);
            view.limit(chunk + CHUNK_HEADER_LENGTH + data).position(chunk);
            chain.update(view);
            buffer.position(chunk + CHUNK_HEADER_LENGTH + data);
            from += data;
            left -= data;
            first = false;
        }
    }

    /**
     * Closes the chain interval: appends an anchor chunk holding the chain value over
     * every record chunk since the previous anchor, and the ring id in effect from here
     * on.
     */
    void appendAnchor(long ringId, long lastSequence, long lastRingPosition) throws IOException {
        int room = SegmentFormat.blockRemaining(end());
        if (room < SegmentFormat.ANCHOR_LENGTH) {
            pad(room);
        }
        ensureRoom(SegmentFormat.ANCHOR_LENGTH);
        byte[] value = chain.digest();
        chain.update(value);
        anchorValue = value;
        int chunk = buffer.position();
        buffer.putLong(chunk + CHUNK_HEADER_LENGTH, ringId).put(chunk + CHUNK_HEADER_LENGTH + 8, value);
        putHeader(chunk, ANCHOR, ANCHOR_DATA_LENGTH, ANCHOR_DATA_LENGTH, lastSequence, lastRingPosition);
        buffer.position(chunk + SegmentFormat.ANCHOR_LENGTH);
    }

    /** Hands the buffered chunks to the channel. */
    void writeBuffer() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        finally {
            // what was handed over counts as written even when a later write failed:
            // the writer cuts it off when it undoes the batch
            written += buffer.position();
            buffer.clear();
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Forgets the buffered chunks. */
    void discardBuffer() {
        buffer.clear();
    }

    /** Cuts the segment to {@code length} bytes and appends from there. */
    void truncate(long length) throws IOException {
        buffer.clear();
        channel.truncate(length);
        channel.position(length);
        written = length;
    }

    /** Appends {@code bytes} zero bytes; returns their index in the buffer. */
    private int pad(int bytes) throws IOException {
        ensureRoom(bytes);
        int start = buffer.position();
        for (int i = 0; i < bytes; i++) {
            buffer.put((byte) 0);
        }
        return start;
    }

    private void ensureRoom(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            writeBuffer();
        }
    }

    private void putHeader(int chunk, byte type, int dataLength, int recordLength, long sequence, long ringPosition) {
        view.limit(chunk + CHUNK_HEADER_LENGTH + dataLength).position(chunk + CHUNK_HEADER_LENGTH);
        crc.reset();
        crc.update(view);
        buffer.putInt(chunk + CHUNK_DATA_CRC_OFFSET, (int) crc.getValue())
            .putShort(chunk + CHUNK_DATA_LENGTH_OFFSET, (short) dataLength)
            .put(chunk + CHUNK_TYPE_OFFSET, type)
            .put(chunk + CHUNK_TYPE_OFFSET + 1, (byte) 0)
            .putInt(chunk + CHUNK_RECORD_LENGTH_OFFSET, recordLength)
            .putLong(chunk + CHUNK_SEQUENCE_OFFSET, sequence)
            .putLong(chunk + CHUNK_POSITION_OFFSET, ringPosition);
        view.limit(chunk + CHUNK_HEADER_LENGTH).position(chunk + CHUNK_DATA_CRC_OFFSET);
        crc.reset();
        crc.update(view);
        buffer.putInt(chunk + CHUNK_HEADER_CRC_OFFSET, (int) crc.getValue());
    }

}
