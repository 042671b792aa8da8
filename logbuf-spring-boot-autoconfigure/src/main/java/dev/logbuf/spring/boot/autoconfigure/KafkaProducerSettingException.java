package dev.logbuf.spring.boot.autoconfigure;

/**
 * A Kafka producer setting from Spring Boot's {@code spring.kafka.*} that the shipper of
 * a ring ({@code logbuf.rings.<name>.kafka.topic}) refuses, because it could lose or
 * reorder records. {@link KafkaProducerSettingFailureAnalyzer} names the property, its
 * value, where it was written and what to write instead.
 */
public class KafkaProducerSettingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final String setting;

    private final String value;

    private final String propertyName;

    private final String origin;

    /**
     * @param ringName the ring whose shipper refuses the setting
     * @param setting the Kafka producer setting, e.g. {@code acks}
     * @param value its value as written
     * @param propertyName the {@code spring.kafka.*} property it came from, {@code null}
     * when no property holds it (it came from connection details or a customizer)
     * @param origin where that property was written, {@code null} when unknown
     * @param cause the shipper's refusal, saying what to set instead
     */
    public KafkaProducerSettingException(String ringName, String setting, String value, String propertyName,
            String origin, IllegalArgumentException cause) {
        super("Logbuf ring '" + ringName + "' cannot ship to Kafka: " + cause.getMessage(), cause);
        this.ringName = ringName;
        this.setting = setting;
        this.value = value;
        this.propertyName = propertyName;
        this.origin = origin;
    }

    public String getRingName() {
        return this.ringName;
    }

    /** The Kafka producer setting, e.g. {@code acks}. */
    public String getSetting() {
        return this.setting;
    }

    /** The value as written. */
    public String getValue() {
        return this.value;
    }

    /** The {@code spring.kafka.*} property that holds the setting, or {@code null}. */
    public String getPropertyName() {
        return this.propertyName;
    }

    /** Where the property was written, or {@code null}. */
    public String getOrigin() {
        return this.origin;
    }

}
