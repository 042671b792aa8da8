package dev.logbuf.spring.boot.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.logbuf.spring.boot.ArchiveSettings;

/**
 * Every property of a ring ({@code logbuf.rings.<name>.<key>}): its key and the help the
 * failure analyses give when its value is wrong. The one place those names and texts are
 * written; binding, checking, the unknown-key analysis and the metadata test read them
 * here.
 */
enum RingProperty {

    /** {@code type}. */
    TYPE("type", "the type must be spsc or mpsc",
            "Set %s to spsc (one producing thread at a time) or mpsc (any number of producing threads)."),

    /** {@code capacity}. */
    CAPACITY("capacity", "the capacity must be a data size from 16B to 1GB",
            "Set %s to a size from 16B to 1GB, for example 1MB (units B, KB, MB, GB; binary: 1MB = 1,048,576 bytes)."),

    /** {@code stall-timeout}. */
    STALL_TIMEOUT("stall-timeout", "the duration must be positive",
            "Set %s to a positive duration such as 5s or 500ms."),

    /** {@code handler}. */
    HANDLER("handler", "the value must name a dev.logbuf.RecordHandler bean",
            "Set %s to the name of a dev.logbuf.RecordHandler bean."),

    /** {@code unblock-dead-claims}. */
    UNBLOCK_DEAD_CLAIMS("unblock-dead-claims", "the value must be true or false", "Set %s to true or false."),

    /** {@code file}. */
    FILE("file", "the value must be a file path",
            "Set %s to the path of the ring's file, such as ./data/rings/audit.ring (created when missing)."),

    /** {@code drain.enabled}. */
    DRAIN_ENABLED("drain.enabled", "the value must be true or false", "Set %s to true or false."),

    /** {@code drain.batch-limit}. */
    DRAIN_BATCH_LIMIT("drain.batch-limit", "the batch limit must be a positive whole number",
            "Set %s to a positive number of records per drain call, such as 256."),

    /** {@code drain.idle-strategy}. */
    DRAIN_IDLE_STRATEGY("drain.idle-strategy", "the idle strategy must be busy-spin, yield, backoff or park",
            "Set %s to busy-spin, yield, backoff or park."),

    /** {@code drain.shutdown-timeout}. */
    DRAIN_SHUTDOWN_TIMEOUT("drain.shutdown-timeout", "the duration must be positive",
            "Set %s to a positive duration such as 10s or 500ms."),

    /** {@code archive.directory}. */
    ARCHIVE_DIRECTORY("archive.directory", "the value must be a directory path",
            "Set %s to a directory the application can create and write (it is created when missing;"
                    + " one ring per directory)."),

    /** {@code archive.segment-size}. */
    ARCHIVE_SEGMENT_SIZE("archive.segment-size",
            "the segment size must be a data size from " + ArchiveSettings.MIN_SEGMENT_SIZE + "B to 1GB",
            "Set %s to a size from " + ArchiveSettings.MIN_SEGMENT_SIZE
                    + "B to 1GB, for example 64MB (units B, KB, MB, GB; binary: 1MB = 1,048,576 bytes)."),

    /** {@code archive.flush}. */
    ARCHIVE_FLUSH("archive.flush", "the flush policy must be none, batch or interval",
            "Set %s to none, batch or interval."),

    /** {@code archive.flush-interval}. */
    ARCHIVE_FLUSH_INTERVAL("archive.flush-interval", "the duration must be positive",
            "Set %s to a positive duration such as 1s or 200ms."),

    /** {@code archive.retention.max-segments}. */
    ARCHIVE_RETENTION_MAX_SEGMENTS("archive.retention.max-segments",
            "the most segments to keep must be a whole number of at least 1 (the segment being written counts)",
            "Set %s to a positive number of segments, such as 100, or remove it to keep every segment."),

    /** {@code archive.retention.max-age}. */
    ARCHIVE_RETENTION_MAX_AGE("archive.retention.max-age", "the duration must be positive",
            "Set %s to a positive duration such as 7d or 12h, or remove it to keep segments of any age."),

    /** {@code kafka.topic}. */
    KAFKA_TOPIC("kafka.topic", "the topic must be a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-'",
            "Set %s to a Kafka topic name such as audit (letters, digits, '.', '_' and '-'), or remove it to ship"
                    + " nothing."),

    /** {@code kafka.max-in-flight}. */
    KAFKA_MAX_IN_FLIGHT("kafka.max-in-flight", "the most records in flight must be a whole number of at least 1",
            "Set %s to a positive number of records, such as 10000."),

    /** {@code kafka.checkpoint-interval}. */
    KAFKA_CHECKPOINT_INTERVAL("kafka.checkpoint-interval", "the duration must not be negative",
            "Set %s to a duration such as 200ms (0 saves the checkpoint at every acknowledgement)."),

    /** {@code kafka.shutdown-timeout}. */
    KAFKA_SHUTDOWN_TIMEOUT("kafka.shutdown-timeout", "the duration must be positive",
            "Set %s to a positive duration such as 10s."),

    /** {@code kafka.outage-timeout}. */
    KAFKA_OUTAGE_TIMEOUT("kafka.outage-timeout", "the duration must be positive",
            "Set %s to a positive duration such as 5m: how long the archive may hold records the broker does not"
                    + " acknowledge before the ring's health is DOWN."),

    /** {@code kafka.properties.*}: a map of Kafka producer settings. */
    KAFKA_PROPERTIES("kafka.properties", "the value must be a Kafka producer setting",
            "Set %s.<setting> to the value of a Kafka producer setting, such as %s.acks=all.");

    /** The prefix of every ring property. */
    static final String PREFIX = "logbuf.rings";

    /**
     * What a ring's name may look like: it is a property key, a tag and a thread name.
     */
    static final Pattern RING_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private static final List<RingProperty> ALL = List.of(values());

    private final String key;

    private final String problem;

    private final String action;

    RingProperty(String key, String problem, String action) {
        this.key = key;
        this.problem = problem;
        this.action = action;
    }

    /**
     * The key below the ring's name, e.g. {@code drain.batch-limit}.
     * @return the key
     */
    String key() {
        return this.key;
    }

    /**
     * What a wrong value of this property is told.
     * @return the problem, e.g. "the duration must be positive"
     */
    String problem() {
        return this.problem;
    }

    /**
     * What to write instead.
     * @param ring the ring's name
     * @return the action, naming the property
     */
    String action(String ring) {
        String name = name(ring);
        return String.format(this.action, name, name);
    }

    /**
     * The full property name for {@code ring}, e.g. {@code logbuf.rings.audit.capacity}.
     * @param ring the ring's name
     * @return the name
     */
    String name(String ring) {
        return name(ring, this.key);
    }

    /**
     * The full name of a key of a ring, in the bracket form when the ring's name is not a
     * plain element.
     * @param ring the ring's name
     * @param key the key below it
     * @return the name
     */
    static String name(String ring, String key) {
        String element = RING_NAME.matcher(ring).matches() ? "." + ring : "[" + ring + "]";
        return PREFIX + element + "." + key;
    }

    /**
     * Every ring property.
     * @return the properties
     */
    static List<RingProperty> all() {
        return ALL;
    }

    /**
     * The property with this key.
     * @param key a key below a ring's name
     * @return the property, empty for an unknown key
     */
    static Optional<RingProperty> of(String key) {
        return ALL.stream().filter((property) -> property.key.equals(key)).findFirst();
    }

    /**
     * The valid key closest to {@code key} by edit distance.
     * @param key an unknown key
     * @return the closest key
     */
    static String closest(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return ALL.stream()
            .min((a, b) -> Integer.compare(distance(lower, a.key), distance(lower, b.key)))
            .map(RingProperty::key)
            .orElseThrow();
    }

    /**
     * The valid keys, comma-separated.
     * @return the keys
     */
    static String keys() {
        return String.join(", ", Arrays.stream(values()).map(RingProperty::key).toList());
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

}
