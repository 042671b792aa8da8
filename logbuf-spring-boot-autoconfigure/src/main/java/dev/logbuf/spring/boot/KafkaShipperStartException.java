package dev.logbuf.spring.boot;

/**
 * A ring's Kafka shipper cannot start: its checkpoint is damaged or cannot be written,
 * the archive directory is missing, or the Kafka producer refuses its settings (say, a
 * bootstrap server that is not a host and port). The auto-configuration's failure
 * analyzer names the {@code kafka.topic} property, where it was written, the cause and
 * what to do.
 */
public class KafkaShipperStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final String topic;

    /**
     * @param ringName the ring whose shipper failed to start
     * @param topic its topic
     * @param cause what the shipper or the producer threw
     */
    public KafkaShipperStartException(String ringName, String topic, RuntimeException cause) {
        super("Logbuf ring '" + ringName + "': shipping to Kafka topic '" + topic + "' cannot start: "
                + cause.getMessage(), cause);
        this.ringName = ringName;
        this.topic = topic;
    }

    /**
     * The ring's name.
     * @return the name
     */
    public String getRingName() {
        return this.ringName;
    }

    /**
     * The topic.
     * @return the topic
     */
    public String getTopic() {
        return this.topic;
    }

}
