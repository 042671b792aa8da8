package dev.logbuf.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link KafkaProducerSettingException}: the {@code spring.kafka.*} property
 * that holds a producer setting which could lose records, its value, where it was
 * written, and what to write instead.
 */
class KafkaProducerSettingFailureAnalyzer extends AbstractFailureAnalyzer<KafkaProducerSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KafkaProducerSettingException cause) {
        String ring = cause.getRingName();
        String property = (cause.getPropertyName() != null) ? cause.getPropertyName()
                : "the Kafka producer setting " + cause.getSetting();
        StringBuilder description = new StringBuilder();
        description.append("The logbuf ring '")
            .append(ring)
            .append("' cannot ship its archive to Kafka (")
            .append(RingProperty.KAFKA_TOPIC.name(ring))
            .append(").\n\n");
        description.append("    Property: ").append(property).append('\n');
        description.append("    Value: \"").append(cause.getValue()).append("\"\n");
        if (cause.getOrigin() != null) {
            description.append("    Origin: ").append(cause.getOrigin()).append('\n');
        }
        description.append("    Reason: ").append(cause.getCause().getMessage());
        String action = ((cause.getPropertyName() != null) ? "Correct or remove " + cause.getPropertyName()
                : "Remove the producer setting " + cause.getSetting()
                        + " where it is made (a KafkaConnectionDetails bean or spring.kafka.* property)")
                + ". The ring's shipper takes its producer settings from spring.kafka.* (as the application's"
                + " KafkaTemplate does) and refuses those that could lose or reorder records; where the"
                + " application's own producers need the setting, give the shipper its own value with "
                + RingProperty.KAFKA_PROPERTIES.name(ring) + "." + cause.getSetting() + ". To ship nothing, remove "
                + RingProperty.KAFKA_TOPIC.name(ring) + ".";
        return new FailureAnalysis(description.toString(), action, cause);
    }

}
