package dev.logbuf.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Turns a log event into the bytes of one ring record, on the logging thread.
 */
interface RecordEncoder {

    /**
     * Encodes {@code event}.
     * @param event the event
     * @param buffer the calling thread's buffer; implementations may encode into
     * {@link EncodeBuffer#bytes}
     * @return the array holding the record's bytes from index 0 (either
     * {@code buffer.bytes} or an array of the encoder's own), with their count in
     * {@code buffer.length}
     */
    byte[] encode(ILoggingEvent event, EncodeBuffer buffer);

    /** Releases what the encoder started. */
    default void stop() {
    }

}
