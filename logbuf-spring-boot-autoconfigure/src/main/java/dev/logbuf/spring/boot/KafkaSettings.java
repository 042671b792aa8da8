package dev.logbuf.spring.boot;

import java.time.Duration;
import java.util.Map;

/**
 * The checked Kafka settings of one ring ({@code logbuf.rings.<name>.kafka.*}): its
 * archive is shipped to a topic by a {@link RingKafkaShipper}. The producer settings come
 * from Spring Boot's {@code spring.kafka.*}.
 *
 * @param topic the topic the ring's records go to
 * @param maxInFlight most records sent and not yet acknowledged
 * @param checkpointInterval shortest time between two checkpoint saves while records fly
 * @param shutdownTimeout how long stopping keeps shipping what the archive holds and
 * waits for the acknowledgements
 * @param outageTimeout how long records may wait with no acknowledgement before the
 * ring's health is {@code DOWN}
 * @param producerProperties producer settings for this ring's shipper only, over those of
 * {@code spring.kafka.*} ({@code kafka.properties.*})
 */
public record KafkaSettings(String topic, int maxInFlight, Duration checkpointInterval, Duration shutdownTimeout,
        Duration outageTimeout, Map<String, String> producerProperties) {

    /** Kafka's rule for topic names: 1 to 249 letters, digits, '.', '_' or '-'. */
    public static final String TOPIC_PATTERN = "[a-zA-Z0-9._-]{1,249}";

}
