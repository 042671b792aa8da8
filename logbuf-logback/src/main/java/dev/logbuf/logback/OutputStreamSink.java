package dev.logbuf.logback;

import dev.logbuf.RecordSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes each record's bytes, as they are, to an {@link OutputStream} (standard output by
 * default): gathered into one staging array and written once per batch (or whenever the
 * array is full), then flushed at the end of the batch.
 *
 * <p>
 * <b>Failures.</b> A write that throws fails the batch: the ring keeps it and the drain
 * hands it over again after a back-off. Records whose bytes the stream had already
 * accepted in full are recognized by their position and not written twice; only a record
 * cut by the failure itself may come out twice (its first part, then all of it). A
 * {@link PrintStream} (standard output) hides its {@code IOException}s: its
 * {@link PrintStream#checkError() error flag} is read after each write, before the
 * records written count as out, and a set flag fails the batch. The flag never clears, so
 * a broken standard output stays failed until {@code System.out} is replaced; the records
 * of the failed write then go to the new one.
 *
 * <p>
 * Standard output ({@link #standardOutput()}) is {@code System.out} as it is at each
 * write, as Logback's {@code ConsoleAppender} does: an application (or a test's output
 * capture) that replaces {@code System.out} gets the records from then on.
 *
 * <p>
 * {@link #close()} flushes; it closes the stream only when told to (never standard
 * output).
 */
public final class OutputStreamSink implements RecordSink {

    static final int STAGING_BYTES = 64 * 1024;

    /** The stream; {@code null}: {@code System.out} as it is at each call. */
    private final OutputStream out;

    private final boolean closeStream;

    private final byte[] staging = new byte[STAGING_BYTES];

    private int staged;

    private long lastStagedPosition = -1;

    /** Position of the last record whose bytes the stream accepted in full. */
    private long writtenThrough = -1;

    private long ringId;

    /**
     * A sink writing to {@code out}.
     * @param out the stream
     * @param closeStream whether {@link #close()} closes the stream
     */
    public OutputStreamSink(OutputStream out, boolean closeStream) {
        this.out = Objects.requireNonNull(out, "out");
        this.closeStream = closeStream;
    }

    /** Standard output as it is at each write. */
    private OutputStreamSink() {
        this.out = null;
        this.closeStream = false;
    }

    /**
     * A sink writing to standard output: {@code System.out} as it is at each write (so a
     * replaced {@code System.out} gets the records from then on), never closing it.
     * @return the sink
     */
    public static OutputStreamSink standardOutput() {
        return new OutputStreamSink();
    }

    private OutputStream out() {
        return (this.out != null) ? this.out : System.out;
    }

    @Override
    public void onStart(long ringId) {
        if (ringId != this.ringId) {
            this.ringId = ringId;
            this.writtenThrough = -1;
        }
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
        if (position <= this.writtenThrough) {
            return; // handed over again after a failed batch: its bytes are out already
        }
        try {
            if (length > this.staging.length - this.staged) {
                writeStaged();
            }
            if (length <= this.staging.length) {
                buffer.get(offset, this.staging, this.staged, length);
                this.staged += length;
                this.lastStagedPosition = position;
                return;
            }
            OutputStream target = out();
            for (int done = 0; done < length;) {
                int chunk = Math.min(this.staging.length, length - done);
                buffer.get(offset + done, this.staging, 0, chunk);
                target.write(this.staging, 0, chunk);
                done += chunk;
            }
            checkPrintStream(target);
            this.writtenThrough = position;
        }
        catch (IOException ex) {
            throw failed(ex);
        }
    }

    @Override
    public void endOfBatch() {
        try {
            writeStaged();
            OutputStream target = out();
            target.flush();
            checkPrintStream(target);
        }
        catch (IOException ex) {
            throw failed(ex);
        }
    }

    @Override
    public void close() {
        try {
            writeStaged();
            out().flush();
            if (this.closeStream) {
                out().close();
            }
        }
        catch (IOException ex) {
            throw failed(ex);
        }
    }

    private void writeStaged() throws IOException {
        if (this.staged > 0) {
            OutputStream target = out();
            target.write(this.staging, 0, this.staged);
            // a PrintStream swallowed a failure of this write: these records are not out
            checkPrintStream(target);
            this.staged = 0;
            this.writtenThrough = this.lastStagedPosition;
        }
    }

    private static void checkPrintStream(OutputStream target) throws IOException {
        if (target instanceof PrintStream printStream && printStream.checkError()) {
            throw new IOException("the output stream (a PrintStream, such as standard output) reported an error;"
                    + " is the reader of standard output gone?");
        }
    }

    private UncheckedIOException failed(IOException ex) {
        this.staged = 0; // the batch comes again; what was staged of it is written then
        return new UncheckedIOException("writing log records failed: " + ex.getMessage(), ex);
    }

}
