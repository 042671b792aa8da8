package dev.logbuf.benchmarks.logging;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The sink every contender writes to: counts the lines (events) that arrived and passes
 * the bytes on (to nothing, or to a buffered file). Synchronized, so that the count holds
 * even if a contender wrote from several threads at once (uncontended, it costs the
 * single writing thread a few nanoseconds per write).
 */
final class CountingSink extends FilterOutputStream {

    private volatile long lines;

    private long count;

    CountingSink(OutputStream out) {
        super(out);
    }

    /** A sink that keeps nothing. */
    static CountingSink discarding() {
        return new CountingSink(OutputStream.nullOutputStream());
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            this.lines = ++this.count;
        }
        this.out.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        long n = this.count;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        this.count = n;
        this.lines = n; // volatile write: read by the benchmark's teardown
        this.out.write(b, off, len);
    }

    long lines() {
        return this.lines;
    }

}
