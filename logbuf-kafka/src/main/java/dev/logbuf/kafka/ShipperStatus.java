package dev.logbuf.kafka;

/**
 * A snapshot of a {@link KafkaShipper}, for health, metrics and the endpoint. Counters
 * count since the shipper was built; sequences are archive sequences.
 *
 * @param state what the shipper is doing
 * @param recordsSent records the broker acknowledged (a record sent again after a retry
 * counts again)
 * @param sendErrors sends that failed (each record the broker did not acknowledge, or
 * that could not be handed to the producer)
 * @param recordsResent records sent again after a retry that had been sent before: an
 * upper bound of the duplicates a retry put in the topic
 * @param recordsMissing records the shipper should have shipped and the archive no longer
 * holds (deleted before they were shipped, or lost to damage)
 * @param writtenSequence the last record the archive writer finished, -1 when none
 * @param acknowledgedSequence the last record the broker acknowledged with every record
 * before it, -1 when none
 * @param checkpointSequence the acknowledged record saved in the checkpoint file (the
 * restart point), -1 when none
 * @param lastError the last failure (a send, the checkpoint, the archive), null once
 * records are acknowledged again
 * @param outageNanos how long records have waited while the broker acknowledged none of
 * them (the producer retrying on its own, then the shipper): 0 while acknowledgements
 * come or nothing waits, and when the shipper is not running. Lag alone says little (a
 * burst); this says the broker is away or refuses a record
 */
public record ShipperStatus(ShipperState state, long recordsSent, long sendErrors, long recordsResent,
        long recordsMissing, long writtenSequence, long acknowledgedSequence, long checkpointSequence,
        Throwable lastError, long outageNanos) {

    /**
     * Records the archive holds that the broker has not acknowledged yet: written minus
     * acknowledged.
     */
    public long lag() {
        return Math.max(0, writtenSequence - acknowledgedSequence);
    }

}
