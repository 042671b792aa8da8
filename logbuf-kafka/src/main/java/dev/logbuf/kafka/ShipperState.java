package dev.logbuf.kafka;

/** What a {@link KafkaShipper} is doing. */
public enum ShipperState {

    /** Built, not started. */
    NEW,

    /**
     * Sending records as the archive grows; the broker acknowledges them (or has not
     * refused any yet).
     */
    SHIPPING,

    /**
     * A send failed (the broker is away, or refused a record): the shipper waits for what
     * is still in flight, then reads the archive again from the last acknowledged record
     * and sends from there, with a growing pause between attempts. The archive keeps
     * growing meanwhile; {@link ShipperStatus#lag()} says by how much.
     */
    RETRYING,

    /** Stopped by {@link KafkaShipper#stop}. */
    STOPPED,

    /**
     * Ended by an error it cannot retry (its thread died, the archive cannot be read):
     * {@link ShipperStatus#lastError()} says which. Nothing acknowledged is lost; start a
     * new shipper once the cause is fixed.
     */
    FAILED

}
