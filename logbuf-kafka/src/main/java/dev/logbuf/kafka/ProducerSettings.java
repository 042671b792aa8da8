package dev.logbuf.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The producer settings a shipper runs with: the user's, checked, plus the ones that make
 * shipping lossless and ordered where the user left them out. A setting that would allow
 * loss or reordering is refused, naming it and the value to use: Kafka would otherwise
 * turn idempotence off without a word.
 */
final class ProducerSettings {

    /** The most requests in flight for which the idempotent producer keeps order. */
    static final int MAX_IN_FLIGHT = 5;

    private ProducerSettings() {
    }

    /**
     * @param user the user's producer settings ({@code spring.kafka.producer.*} and
     * {@code spring.kafka.bootstrap-servers}, or hand-made)
     * @param clientId the client id to use when the user set none
     * @return the settings to create the producer with
     * @throws InvalidProducerSettingException naming the setting that is missing or would
     * allow loss
     */
    static Map<String, Object> of(Map<String, ?> user, String clientId) {
        Map<String, Object> settings = new HashMap<>(user);
        Object servers = settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || String.valueOf(servers).isBlank() || "[]".equals(String.valueOf(servers))) {
            throw new InvalidProducerSettingException(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    "producer setting " + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG
                            + " is missing: name the brokers to ship to, e.g. localhost:9092",
                    null);
        }
        require(settings, ProducerConfig.ACKS_CONFIG, "all", "-1");
        require(settings, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Object inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight == null) {
            settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT);
        }
        else {
            int value = integer(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, inFlight);
            if (value < 1 || value > MAX_IN_FLIGHT) {
                throw new InvalidProducerSettingException(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        inFlight,
                        "producer setting " + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + "=" + inFlight
                                + " is outside 1.." + MAX_IN_FLIGHT + ": above " + MAX_IN_FLIGHT
                                + " the idempotent producer no longer keeps records in order",
                        null);
            }
        }
        Object retries = settings.get(ProducerConfig.RETRIES_CONFIG);
        if (retries != null && integer(ProducerConfig.RETRIES_CONFIG, retries) < 1) {
            throw new InvalidProducerSettingException(ProducerConfig.RETRIES_CONFIG, retries,
                    "producer setting " + ProducerConfig.RETRIES_CONFIG + "=" + retries
                            + " turns retries off, and idempotence with them: remove it (the delivery timeout"
                            + " bounds retries)",
                    null);
        }
        Object transactionalId = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        if (transactionalId != null && !String.valueOf(transactionalId).isEmpty()) {
            throw new InvalidProducerSettingException(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                    "producer setting " + ProducerConfig.TRANSACTIONAL_ID_CONFIG + "=" + transactionalId
                            + " is not supported: the shipper sends without transactions (consumers deduplicate"
                            + " by the logbuf.sequence header); remove it",
                    null);
        }
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // the shipper sends bytes with serializers of its own: the user's classes are not
        // used
        settings.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        settings.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return settings;
    }

    private static void require(Map<String, Object> settings, String key, String value, String... alternatives) {
        Object set = settings.get(key);
        if (set == null) {
            settings.put(key, value);
            return;
        }
        String text = String.valueOf(set).trim();
        if (text.equalsIgnoreCase(value)) {
            return;
        }
        for (String alternative : alternatives) {
            if (text.equalsIgnoreCase(alternative)) {
                return;
            }
        }
        throw new InvalidProducerSettingException(key, set,
                "producer setting " + key + "=" + set + " can lose records: the shipper needs " + key + "=" + value
                        + " (remove the setting, or set it to " + value + ")",
                null);
    }

    private static int integer(String key, Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        }
        catch (NumberFormatException e) {
            throw new InvalidProducerSettingException(key, value,
                    "producer setting " + key + "=" + value + " is not a number", e);
        }
    }

}
