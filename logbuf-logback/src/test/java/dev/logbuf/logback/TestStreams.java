package dev.logbuf.logback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Output streams for the tests: one that collects, one that blocks until released. */
final class TestStreams {

    private TestStreams() {
    }

    /** Collects what the drain writes; safe to read from the test thread. */
    static final class Collecting extends OutputStream {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            this.bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            this.bytes.write(b, off, len);
        }

        synchronized String text() {
            return this.bytes.toString(StandardCharsets.UTF_8);
        }

        List<String> lines() {
            String text = text();
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
        }

    }

    /**
     * Blocks every write until {@link #release()}: standard output whose reader stopped
     * reading.
     */
    static final class Blocking extends OutputStream {

        final Collecting delegate = new Collecting();

        final CountDownLatch released = new CountDownLatch(1);

        final AtomicInteger writesEntered = new AtomicInteger();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            this.writesEntered.incrementAndGet();
            try {
                this.released.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while blocked", ex);
            }
            this.delegate.write(b, off, len);
        }

        void release() {
            this.released.countDown();
        }

    }

}
