package dev.logbuf.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.logbuf.RecordHandler;

/**
 * Test handler: keeps a copy of every record, optionally waits for a gate before the
 * first record, and throws for payloads starting with "fail".
 */
public class RecordingHandler implements RecordHandler {

    /** Guarded by itself; copied out by the accessors. */
    private final List<byte[]> records = new ArrayList<>();

    /** Guarded by {@link #records}. */
    private final List<String> threads = new ArrayList<>();

    private volatile CountDownLatch gate;

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length) {
        CountDownLatch gate = this.gate;
        if (gate != null) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate not opened");
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] copy = new byte[length];
        buffer.get(offset, copy);
        synchronized (this.records) {
            this.threads.add(Thread.currentThread().getName());
            this.records.add(copy);
        }
        if (length >= 4 && new String(copy, 0, 4, StandardCharsets.US_ASCII).equals("fail")) {
            throw new IllegalStateException("handler refuses " + new String(copy, StandardCharsets.US_ASCII));
        }
    }

    /**
     * Makes the handler wait in its next call until the returned latch is counted down.
     */
    public CountDownLatch closeGate() {
        CountDownLatch gate = new CountDownLatch(1);
        this.gate = gate;
        return gate;
    }

    /** A copy of the records handled so far. */
    public List<byte[]> records() {
        synchronized (this.records) {
            return new ArrayList<>(this.records);
        }
    }

    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (byte[] record : records()) {
            texts.add(new String(record, StandardCharsets.UTF_8));
        }
        return texts;
    }

    public List<String> threadNames() {
        synchronized (this.records) {
            return new ArrayList<>(this.threads);
        }
    }

}
