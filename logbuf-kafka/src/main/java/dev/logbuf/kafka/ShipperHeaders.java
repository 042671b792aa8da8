package dev.logbuf.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a {@link KafkaShipper} puts on every record, all as UTF-8 text, and helpers
 * for consumers. The record's key is the ring name, so one ring's records go to one
 * partition, in order; its value is the record's payload, byte for byte.
 *
 * <p>
 * Deduplicate on ({@link #RING}, {@link #SEQUENCE}): a retry after a failed send, or a
 * restart, may send records again, never with another sequence. The sequences of an
 * archive start at 0 when its directory is created and only grow.
 */
public final class ShipperHeaders {

    /** The ring's name, e.g. {@code audit}. */
    public static final String RING = "logbuf.ring";

    /**
     * The id of the ring the record was drained from, 16 hex digits; a file-backed ring
     * keeps its id across restarts, a memory ring gets a new one.
     */
    public static final String RING_ID = "logbuf.ring.id";

    /** The record's archive sequence, decimal: 0, 1, 2, ... one more per record. */
    public static final String SEQUENCE = "logbuf.sequence";

    /**
     * The record's position in its ring, decimal; absent when the archive does not know
     * it.
     */
    public static final String POSITION = "logbuf.position";

    private ShipperHeaders() {
    }

    /**
     * The archive sequence of a record the shipper sent.
     * @throws IllegalArgumentException when the header is missing or not a number
     */
    public static long sequence(Headers headers) {
        return number(headers, SEQUENCE);
    }

    /**
     * The ring name of a record the shipper sent.
     * @throws IllegalArgumentException when the header is missing
     */
    public static String ring(Headers headers) {
        return text(headers, RING);
    }

    private static long number(Headers headers, String key) {
        String text = text(headers, key);
        try {
            return Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + key + " is \"" + text + "\", not a number", e);
        }
    }

    private static String text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        if (header == null || header.value() == null) {
            throw new IllegalArgumentException(
                    "the record has no header " + key + ": it was not sent by a logbuf" + " KafkaShipper");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

}
