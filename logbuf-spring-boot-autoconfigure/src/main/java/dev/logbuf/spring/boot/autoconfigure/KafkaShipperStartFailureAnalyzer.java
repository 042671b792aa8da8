package dev.logbuf.spring.boot.autoconfigure;

import dev.logbuf.spring.boot.KafkaShipperStartException;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder.ConfiguredValue;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link KafkaShipperStartException}: the ring's {@code kafka.topic} property,
 * where it was written, why the shipper cannot start, and what to do. Loaded whether or
 * not Kafka is on the class path: it names Kafka's exceptions by class name only.
 */
class KafkaShipperStartFailureAnalyzer extends AbstractFailureAnalyzer<KafkaShipperStartException> {

    private final Environment environment;

    KafkaShipperStartFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KafkaShipperStartException cause) {
        String ring = cause.getRingName();
        String property = RingProperty.KAFKA_TOPIC.name(ring);
        ConfiguredValue value = RingSettingsBinder.configuredValue(this.environment, property);
        Throwable error = cause.getCause();
        String description = InvalidRingPropertyFailureAnalyzer.describe(ring, property,
                (value != null) ? value.text() : cause.getTopic(), (value != null) ? value.origin() : null,
                "the Kafka shipper cannot start: " + messages(error));
        String action;
        if (isKafkaException(error)) {
            action = "Correct the Kafka producer settings in spring.kafka.* (spring.kafka.bootstrap-servers,"
                    + " spring.kafka.security.*, spring.kafka.producer.*) as the reason says, or remove " + property
                    + " to ship nothing.";
        }
        else {
            action = "Deal with the file the reason names: a damaged checkpoint can be deleted (the archive is then"
                    + " shipped again from its oldest record) or saved with the right sequence; or remove " + property
                    + " to ship nothing.";
        }
        return new FailureAnalysis(description, action, cause);
    }

    /** The messages down the cause chain: Kafka wraps the setting it refuses. */
    private static String messages(Throwable error) {
        StringBuilder messages = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != error; cause = cause.getCause()) {
            if (cause.getMessage() != null && messages.indexOf(cause.getMessage()) < 0) {
                messages.append(": ").append(cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return messages.toString();
    }

    private static boolean isKafkaException(Throwable error) {
        for (Class<?> type = error.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("org.apache.kafka.common.KafkaException")) {
                return true;
            }
        }
        return false;
    }

}
