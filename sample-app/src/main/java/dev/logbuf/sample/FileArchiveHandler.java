package dev.logbuf.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.logbuf.RecordHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * A simple archive sink: appends every record to one file per run,
 * {@code <prefix>-<UTC timestamp>.log} in the archive directory, framed as the
 * payload's length in decimal, a space, the payload bytes and a newline (so a
 * text payload stays readable with {@code cat}, and any payload, newlines
 * included, reads back exactly with {@link #readRecords(Path)}).
 *
 * <p>Each record is written straight to the file (no user-space buffer), so what
 * the drain loop handed over is visible to readers at once. {@link #destroy()}
 * forces the file to disk and closes it; Spring calls it only after the ring's
 * drain loop has stopped, that is after every committed record was written.
 *
 * <p>Called by the drain thread only; not thread-safe.
 */
public class FileArchiveHandler implements RecordHandler, DisposableBean {

    private static final Log logger = LogFactory.getLog(FileArchiveHandler.class);

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private final Path file;

    private final FileChannel channel;

    private final ByteBuffer header = ByteBuffer.allocate(16);

    private final ByteBuffer newline = ByteBuffer.wrap(new byte[] { '\n' });

    private final ByteBuffer[] frame = new ByteBuffer[3];

    private long records;

    public FileArchiveHandler(Path directory, String prefix) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(prefix + "-" + FILE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".log");
            for (int attempt = 1; Files.exists(file); attempt++) {
                file = directory.resolve(prefix + "-" + FILE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
                        + attempt + ".log");
            }
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create an archive file in " + directory.toAbsolutePath(), ex);
        }
        logger.info("Archiving to " + this.file.toAbsolutePath());
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length) {
        this.header.clear();
        this.header.put(Integer.toString(length).getBytes(StandardCharsets.US_ASCII)).put((byte) ' ').flip();
        buffer.limit(offset + length).position(offset);
        this.newline.rewind();
        this.frame[0] = this.header;
        this.frame[1] = buffer;
        this.frame[2] = this.newline;
        try {
            while (this.newline.hasRemaining()) {
                this.channel.write(this.frame);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot append to " + this.file, ex);
        }
        finally {
            // the ring's view must not be kept beyond this call
            this.frame[1] = null;
        }
        this.records++;
    }

    /** The file this handler appends to. */
    public Path file() {
        return this.file;
    }

    /** Forces what was written to the storage device and closes the file. */
    @Override
    public void destroy() throws IOException {
        if (this.channel.isOpen()) {
            this.channel.force(true);
            this.channel.close();
            logger.info("Archive " + this.file.toAbsolutePath() + " closed after " + this.records + " records");
        }
    }

    /**
     * Reads back every record of one archive file, in order.
     *
     * @throws IOException when the file cannot be read or a frame is malformed
     *                     (a torn last frame after a crash included)
     */
    public static List<byte[]> readRecords(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        List<byte[]> records = new ArrayList<>();
        int position = 0;
        while (position < content.length) {
            int space = position;
            while (space < content.length && content[space] != ' ') {
                space++;
            }
            if (space == content.length || space == position) {
                throw new IOException(file + ": no length at byte " + position);
            }
            int length = Integer.parseInt(new String(content, position, space - position, StandardCharsets.US_ASCII));
            int end = space + 1 + length;
            if (end >= content.length || content[end] != '\n') {
                throw new IOException(file + ": frame at byte " + position + " is torn");
            }
            byte[] record = new byte[length];
            System.arraycopy(content, space + 1, record, 0, length);
            records.add(record);
            position = end + 1;
        }
        return records;
    }

    /** Reads every archive file in {@code directory}, oldest name first. */
    public static List<byte[]> readDirectory(Path directory) throws IOException {
        List<byte[]> records = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return records;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter((path) -> path.toString().endsWith(".log")).sorted().toList()) {
                records.addAll(readRecords(file));
            }
        }
        return records;
    }
}
