package dev.logbuf.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Any Logback {@link Encoder} (Boot's structured formats among them): its own
 * {@code byte[]} per event, copied once into the ring.
 */
final class EncoderRecordEncoder implements RecordEncoder {

    private final Encoder<ILoggingEvent> encoder;

    private final boolean stopEncoder;

    EncoderRecordEncoder(Encoder<ILoggingEvent> encoder, boolean stopEncoder) {
        this.encoder = encoder;
        this.stopEncoder = stopEncoder;
    }

    @Override
    public byte[] encode(ILoggingEvent event, EncodeBuffer buffer) {
        byte[] bytes = this.encoder.encode(event);
        buffer.length = (bytes != null) ? bytes.length : 0;
        return bytes;
    }

    @Override
    public void stop() {
        if (this.stopEncoder) {
            this.encoder.stop();
        }
    }

}
