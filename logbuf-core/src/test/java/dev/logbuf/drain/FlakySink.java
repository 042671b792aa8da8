package dev.logbuf.drain;

import dev.logbuf.RecordSink;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A sink that keeps a batch only once {@code endOfBatch} returned; it fails its first
 * {@code failures} batches (in {@code onRecord} at the {@code failAt}-th record, or in
 * {@code endOfBatch}), discarding what it kept of them, as the contract asks.
 */
final class FlakySink implements RecordSink {

    final List<Integer> stored = new CopyOnWriteArrayList<>();

    final List<Long> ringIds = new ArrayList<>();

    final List<Long> attemptTimes = new ArrayList<>();

    private final List<Integer> pending = new ArrayList<>();

    private int failures;

    private final int failAt;

    private final boolean failInEndOfBatch;

    volatile boolean closed;

    volatile int closedAfterRecords = -1;

    private final LongSupplier clock;

    FlakySink(LongSupplier clock, int failures, int failAt, boolean failInEndOfBatch) {
        this.clock = clock;
        this.failures = failures;
        this.failAt = failAt;
        this.failInEndOfBatch = failInEndOfBatch;
    }

    @Override
    public void onStart(long ringId) {
        this.ringIds.add(ringId);
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
        if (this.pending.isEmpty()) {
            this.attemptTimes.add(this.clock.getAsLong());
        }
        this.pending.add(buffer.getInt(offset));
        if (this.failures > 0 && !this.failInEndOfBatch && this.pending.size() == this.failAt) {
            this.failures--;
            this.pending.clear();
            throw new IllegalStateException("disk full (simulated)");
        }
    }

    @Override
    public void endOfBatch() {
        if (this.failures > 0 && this.failInEndOfBatch && !this.pending.isEmpty()) {
            this.failures--;
            this.pending.clear();
            throw new IllegalStateException("flush failed (simulated)");
        }
        this.stored.addAll(this.pending);
        this.pending.clear();
    }

    @Override
    public void close() {
        this.closedAfterRecords = this.stored.size();
        this.closed = true;
    }

}
