package dev.logbuf;

import java.nio.ByteBuffer;

/**
 * Receives records from {@link Consumer#drain(RecordHandler, int)}, one call per
 * committed record, in FIFO order, on the draining thread.
 */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Handles one record.
     * @param buffer a read-only, little-endian view of the ring's data, valid only during
     * this call (the space is zeroed and reused afterwards: copy what you keep). For
     * convenience its position is {@code offset} and its limit {@code offset + length},
     * so {@code channel.write(buffer)} writes exactly the payload; the handler may move
     * position and limit freely
     * @param offset index of the first payload byte in {@code buffer}
     * @param length payload length, at least 1
     */
    void onRecord(ByteBuffer buffer, int offset, int length);

}
