package dev.logbuf.logback;

import java.util.Arrays;

/**
 * A calling thread's reusable text and byte buffers for encoding one event at a time, so
 * that the pattern path allocates no {@code String} and no {@code byte[]} per event. One
 * per thread ({@link #forCurrentThread()}); it holds no reference to an appender or a
 * ring, so a thread that outlives an appender keeps only these few kilobytes alive.
 */
final class EncodeBuffer {

    /** Buffers grown past this by one huge event are dropped afterwards. */
    static final int RETAINED_LIMIT = 64 * 1024;

    private static final int INITIAL_CAPACITY = 512;

    private static final ThreadLocal<EncodeBuffer> PER_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);

    final StringBuilder text = new StringBuilder(INITIAL_CAPACITY);

    byte[] bytes = new byte[INITIAL_CAPACITY * 3];

    /** Bytes of the last encoded event in {@link #bytes}. */
    int length;

    static EncodeBuffer forCurrentThread() {
        return PER_THREAD.get();
    }

    byte[] ensureCapacity(int capacity) {
        if (this.bytes.length < capacity) {
            this.bytes = Arrays.copyOf(this.bytes, Math.max(capacity, this.bytes.length * 2));
        }
        return this.bytes;
    }

    /** After an event: gives back what one huge event made the buffers grow to. */
    void trim() {
        if (this.bytes.length > RETAINED_LIMIT * 3) {
            this.bytes = new byte[INITIAL_CAPACITY * 3];
        }
        if (this.text.capacity() > RETAINED_LIMIT) {
            this.text.setLength(0);
            this.text.trimToSize();
            this.text.ensureCapacity(INITIAL_CAPACITY);
        }
    }

}
