package dev.logbuf.logback;

import dev.logbuf.RecordSink;
import java.nio.ByteBuffer;

/**
 * Wraps the appender's sink on the drain thread: notes when the sink entered the call it
 * is in (so that a write that never returns shows as a stall from any thread), runs the
 * drop report after a batch went through, and keeps the drain loop's {@code close()} from
 * the sink (the appender closes it after its last drain, {@link #closeSink()}).
 */
final class MonitoredSink implements RecordSink {

    private final RecordSink sink;

    private final Runnable afterBatch;

    /**
     * {@code System.nanoTime()} (made odd, so never 0) when the sink entered its current
     * call; 0 while it is idle. Written by the draining thread, read by monitors:
     * volatile so that a monitor sees the current call's start (a plain field could show
     * an old one forever).
     */
    private volatile long busySinceNanos;

    MonitoredSink(RecordSink sink, Runnable afterBatch) {
        this.sink = sink;
        this.afterBatch = afterBatch;
    }

    RecordSink sink() {
        return this.sink;
    }

    @Override
    public void onStart(long ringId) {
        this.sink.onStart(ringId);
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
        enter();
        try {
            this.sink.onRecord(buffer, offset, length, position);
        }
        catch (RuntimeException | Error ex) {
            this.busySinceNanos = 0;
            throw ex;
        }
    }

    @Override
    public void endOfBatch() {
        enter();
        try {
            this.sink.endOfBatch();
        }
        finally {
            this.busySinceNanos = 0;
        }
        this.afterBatch.run();
    }

    /** The drain loop ended; the appender closes the sink later ({@link #closeSink}). */
    @Override
    public void close() {
    }

    void closeSink() {
        enter();
        try {
            this.sink.close();
        }
        finally {
            this.busySinceNanos = 0;
        }
    }

    /** How long the sink has been in its current call; 0 when idle. Any thread. */
    long busyForNanos() {
        long since = this.busySinceNanos;
        return (since == 0) ? 0 : Math.max(0, System.nanoTime() - since);
    }

    private void enter() {
        if (this.busySinceNanos == 0) {
            this.busySinceNanos = System.nanoTime() | 1;
        }
    }

}
