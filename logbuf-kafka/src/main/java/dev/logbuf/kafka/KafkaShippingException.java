package dev.logbuf.kafka;

/**
 * A record the shipper could not get acknowledged: which record, which archive, which
 * topic, and the producer's exception as the cause. The shipper sends it again from the
 * archive; this is what {@link ShipperStatus#lastError()} shows meanwhile.
 */
public class KafkaShippingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaShippingException(String message, Throwable cause) {
        super(message, cause);
    }

}
