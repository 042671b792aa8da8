package dev.logbuf.kafka;

/**
 * A producer setting the shipper refuses: missing ({@code bootstrap.servers}), or a value
 * that could lose or reorder records. The message names the setting, its value and what
 * to set instead; {@link #setting()} and {@link #value()} let a caller (the Spring Boot
 * starter) point at the property the setting came from.
 */
public class InvalidProducerSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    private final transient Object value;

    public InvalidProducerSettingException(String setting, Object value, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
        this.value = value;
    }

    /** The Kafka producer setting, e.g. {@code acks}. */
    public String setting() {
        return setting;
    }

    /** Its value as given, null when it is missing. */
    public Object value() {
        return value;
    }

}
