package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * The reference model of one ring for {@link RingModelPropertyTest}: the records between
 * the consumer and the producer position, in claim order, with the byte accounting of the
 * API contract (8-byte header, 8-byte alignment, a skip marker up to the end of the data
 * region when a record would cross it).
 *
 * <p>
 * Where the contract leaves the implementation a choice (whether the consumer releases
 * skip markers eagerly or together with the next record), the model accepts any consumer
 * position between the last released record and the first record the consumer cannot
 * pass, on a record boundary, and then follows the ring.
 */
final class RingModel {

    enum State {

        PADDING, OPEN, COMMITTED, ABORTED

    }

    /** One record (or wrap skip marker) in the ring, as the model sees it. */
    static final class Entry {

        final long start;

        final long end;

        State state;

        byte[] payload;

        WriteClaim claim;

        Entry(long start, long end, State state) {
            this.start = start;
            this.end = end;
            this.state = state;
        }

        boolean isSkipped() {
            return state == State.PADDING || state == State.ABORTED;
        }

        @Override
        public String toString() {
            return state + "[" + start + ".." + end + ")";
        }

    }

    final int capacity;

    final int maxRecordLength;

    /** Records from the consumer position on, oldest first. */
    final LinkedList<Entry> entries = new LinkedList<>();

    long producerPosition;

    long consumerPosition;

    RingModel(int capacity) {
        this.capacity = capacity;
        this.maxRecordLength = capacity / 2 - Rings.HEADER;
    }

    /** Whether a record of {@code length} bytes fits now. */
    boolean fits(int length) {
        int needed = Rings.advance(producerPosition, capacity, length);
        return needed <= capacity - (producerPosition - consumerPosition);
    }

    /** Appends the record of a successful claim (and its wrap skip marker, if any). */
    Entry claim(int length, State state) {
        int needed = Rings.advance(producerPosition, capacity, length);
        int span = Rings.span(length);
        if (needed > span) {
            entries.add(new Entry(producerPosition, producerPosition + needed - span, State.PADDING));
        }
        Entry entry = new Entry(producerPosition + needed - span, producerPosition + needed, state);
        entries.add(entry);
        producerPosition += needed;
        return entry;
    }

    /** The first record the consumer cannot pass over silently, or null. */
    Entry firstUnskipped() {
        for (Entry entry : entries) {
            if (!entry.isSkipped()) {
                return entry;
            }
        }
        return null;
    }

    /** Committed records the consumer may hand out now, up to {@code limit}, in order. */
    List<Entry> readable(int limit) {
        List<Entry> readable = new ArrayList<>();
        for (Entry entry : entries) {
            if (readable.size() == limit || entry.state == State.OPEN) {
                break;
            }
            if (entry.state == State.COMMITTED) {
                readable.add(entry);
            }
        }
        return readable;
    }

    /**
     * Checks the ring's consumer position after a consumer operation that released
     * everything before {@code releasedUpTo}: it must lie between that and the first
     * record the consumer may not pass ({@code stopAt}, or the first open/committed
     * record), on a record boundary; the model then drops what the ring released.
     */
    void syncConsumer(long actual, long releasedUpTo, Entry stopAt) {
        long upper = releasedUpTo;
        for (Entry entry : entries) {
            if (entry.end <= releasedUpTo) {
                continue;
            }
            if (entry == stopAt || !entry.isSkipped()) {
                break;
            }
            upper = entry.end;
        }
        assertThat(actual)
            .as("consumer position (released up to %d, may pass skip markers up to %d)", releasedUpTo, upper)
            .isBetween(releasedUpTo, upper);
        boolean onBoundary = actual == releasedUpTo;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext();) {
            Entry entry = it.next();
            if (entry.end <= actual) {
                onBoundary |= entry.end == actual;
                it.remove();
            }
        }
        assertThat(onBoundary).as("consumer position %d on a record boundary", actual).isTrue();
        consumerPosition = actual;
    }

    @Override
    public String toString() {
        return "model{capacity=" + capacity + ", producer=" + producerPosition + ", consumer=" + consumerPosition
                + ", entries=" + entries + "}";
    }

}
