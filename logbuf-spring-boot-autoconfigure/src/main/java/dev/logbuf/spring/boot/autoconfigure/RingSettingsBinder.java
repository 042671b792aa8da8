package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.ArchiveSettings;
import dev.logbuf.spring.boot.KafkaSettings;
import dev.logbuf.spring.boot.RingSettings;
import dev.logbuf.spring.boot.autoconfigure.logging.LoggingSettingsBinder;
import dev.logbuf.spring.boot.logging.LoggingOutput;
import dev.logbuf.spring.boot.logging.LoggingSettings;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Binds {@code logbuf.rings} and checks every ring's properties into its
 * {@link RingSettings}. Every mistake fails with an {@link InvalidRingPropertyException}
 * naming the property, its value as written and where it was written.
 *
 * <p>
 * With {@code logbuf.logging.enabled=true} the logging ring ({@code logbuf.logging.ring})
 * is one of them, with the defaults when it is not configured; it must be MPSC and have
 * its drain (the appender's), with a handler or archive only for
 * {@code logbuf.logging.output=ring}. Public for the logging listener, which builds that
 * ring before the application context exists; otherwise internal.
 *
 * <p>
 * It is above 400 lines because every check of a ring's properties, with the message that
 * names the property, is here: one place to read what a ring accepts.
 */
public final class RingSettingsBinder {

    /**
     * The class the {@code kafka.topic} of a ring needs, with the dependency that has it.
     */
    private static final Map<String, String> KAFKA_CLASSES = Map.of("dev.logbuf.kafka.KafkaShipper",
            "dev.logbuf:logbuf-kafka", "org.springframework.boot.kafka.autoconfigure.KafkaProperties",
            "org.springframework.boot:spring-boot-kafka");

    private final Environment environment;

    private final ClassLoader classLoader;

    private LoggingSettings logging;

    public RingSettingsBinder(Environment environment) {
        this(environment, RingSettingsBinder.class.getClassLoader());
    }

    /**
     * @param environment the environment to bind
     * @param classLoader where the classes {@code kafka.topic} needs are looked for
     */
    public RingSettingsBinder(Environment environment, ClassLoader classLoader) {
        this.environment = environment;
        this.classLoader = classLoader;
    }

    /**
     * The checked settings of every configured ring, in configuration order, the logging
     * ring last when it is not configured.
     * @return the settings
     * @throws InvalidRingPropertyException for the first ring property that is wrong
     * @throws dev.logbuf.spring.boot.autoconfigure.logging.InvalidLoggingPropertyException
     * for a wrong {@code logbuf.logging.*} property
     */
    public List<RingSettings> bind() {
        checkNamesAndKeys();
        this.logging = LoggingSettingsBinder.bind(this.environment);
        Map<String, LogbufProperties.Ring> rings;
        try {
            rings = new LinkedHashMap<>(Binder.get(this.environment)
                .bind(RingProperty.PREFIX, Bindable.mapOf(String.class, LogbufProperties.Ring.class))
                .orElseGet(Map::of));
        }
        catch (BindException ex) {
            throw translate(ex);
        }
        if (this.logging != null) {
            rings.putIfAbsent(this.logging.ring(), new LogbufProperties.Ring());
        }
        List<RingSettings> settings = new ArrayList<>(rings.size());
        rings.forEach((name, ring) -> settings.add(check(name, ring)));
        return settings;
    }

    /**
     * The logging settings found by {@link #bind()}.
     * @return the settings, {@code null} when the application's logs do not go through a
     * ring
     */
    public LoggingSettings logging() {
        return this.logging;
    }

    /**
     * Refuses a ring whose name is not {@code [a-z0-9][a-z0-9-]*} and a key under a ring
     * that is not one of its properties, which binding would silently ignore.
     */
    private void checkNamesAndKeys() {
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(RingProperty.PREFIX);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            List<ConfigurationPropertyName> names = iterable.stream()
                .filter((name) -> prefix.isAncestorOf(name) && name.getNumberOfElements() > 3)
                .toList();
            for (ConfigurationPropertyName name : names) {
                checkName(source, name);
            }
            for (ConfigurationPropertyName name : names) {
                checkKey(source, name);
            }
        }
    }

    private void checkName(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        String ring = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
        if (RingProperty.RING_NAME.matcher(ring).matches()) {
            return;
        }
        ConfiguredValue value = ConfiguredValue.of(source.getConfigurationProperty(name));
        String suggestion = suggestName(ring);
        throw new InvalidRingPropertyException(ring, written(name), value.text(), value.origin(),
                "the ring name '" + ring + "' is not lower-case letters, digits and dashes ([a-z0-9][a-z0-9-]*);"
                        + " a ring's name is its bean qualifier, meter tag, health component and thread name",
                "Rename the ring to lower-case letters, digits and dashes, such as '" + suggestion + "' ("
                        + RingProperty.name(suggestion, name.subName(3).toString()) + ").");
    }

    /** A ring property's name with the ring's name and the keys as written. */
    private static String written(ConfigurationPropertyName name) {
        StringBuilder key = new StringBuilder();
        for (int i = 3; i < name.getNumberOfElements(); i++) {
            key.append((i > 3) ? "." : "").append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
        }
        return RingProperty.name(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL), key.toString());
    }

    private void checkKey(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        ConfigurationPropertyName key = name.subName(3);
        if (isKnown(key)) {
            return;
        }
        String ring = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
        ConfiguredValue value = ConfiguredValue.of(source.getConfigurationProperty(name));
        String written = key.toString();
        if (key.getNumberOfElements() > 1 && isKnown(key.subName(1))) {
            // "my.ring:" in YAML nests "ring" under the ring "my"
            String dotted = ring + "." + key.getElement(0, ConfigurationPropertyName.Form.ORIGINAL);
            String suggestion = suggestName(dotted);
            throw new InvalidRingPropertyException(ring, written(name), value.text(), value.origin(),
                    "'" + written + "' is not a property of a logbuf ring; it looks like the ring '" + dotted
                            + "', whose dot made YAML nest it as the ring '" + ring + "' with the key '" + written
                            + "'",
                    "Name the ring with lower-case letters, digits and dashes only, such as '" + suggestion + "' ("
                            + RingProperty.name(suggestion, key.subName(1).toString()) + ").");
        }
        String closest = RingProperty.closest(written);
        throw new InvalidRingPropertyException(ring, written(name), value.text(), value.origin(),
                "'" + written + "' is not a property of a logbuf ring (it would be ignored)",
                "Did you mean " + RingProperty.name(ring, closest) + "? Correct the key; a ring's keys are "
                        + RingProperty.keys() + ".");
    }

    private static boolean isKnown(ConfigurationPropertyName key) {
        if (ConfigurationPropertyName.of(RingProperty.KAFKA_PROPERTIES.key()).isAncestorOf(key)) {
            return true; // a map: any Kafka producer setting below it
        }
        for (RingProperty property : RingProperty.all()) {
            if (ConfigurationPropertyName.of(property.key()).equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** {@code My_Ring.1} becomes {@code my-ring-1}. */
    private static String suggestName(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return lower.isEmpty() ? "ring" : lower;
    }

    private RingSettings check(String name, LogbufProperties.Ring ring) {
        LogbufProperties.Drain drain = ring.getDrain();
        if (ring.getType() == null) {
            throw invalid(name, RingProperty.TYPE, null, RingProperty.TYPE.problem());
        }
        DataSize capacity = ring.getCapacity();
        if (capacity == null || capacity.toBytes() < RingSettings.MIN_CAPACITY
                || capacity.toBytes() > RingSettings.MAX_CAPACITY) {
            throw invalid(name, RingProperty.CAPACITY, capacity,
                    "the capacity must be from 16B to 1GB (" + RingSettings.MIN_CAPACITY + " to "
                            + RingSettings.MAX_CAPACITY + " bytes)"
                            + ((capacity != null) ? "; it is " + capacity.toBytes() + " bytes" : ""));
        }
        requirePositive(name, RingProperty.STALL_TIMEOUT, ring.getStallTimeout());
        if (drain.getBatchLimit() < 1) {
            throw invalid(name, RingProperty.DRAIN_BATCH_LIMIT, drain.getBatchLimit(),
                    "the batch limit must be at least 1 record");
        }
        if (this.logging != null && name.equals(this.logging.ring())) {
            checkLoggingRing(name, ring);
        }
        if (drain.getIdleStrategy() == null) {
            throw invalid(name, RingProperty.DRAIN_IDLE_STRATEGY, null, RingProperty.DRAIN_IDLE_STRATEGY.problem());
        }
        requirePositive(name, RingProperty.DRAIN_SHUTDOWN_TIMEOUT, drain.getShutdownTimeout());
        String handler = StringUtils.hasText(ring.getHandler()) ? ring.getHandler().trim() : null;
        Path file = (ring.getFile() != null && !ring.getFile().toString().isBlank()) ? ring.getFile() : null;
        ArchiveSettings archive = null;
        String directoryProperty = RingProperty.ARCHIVE_DIRECTORY.name(name);
        String drainProperty = RingProperty.DRAIN_ENABLED.name(name);
        if (ring.getArchive().getDirectory() != null && !ring.getArchive().getDirectory().toString().isBlank()) {
            if (handler != null) {
                throw invalid(name, RingProperty.HANDLER, handler,
                        "the ring also has an archive (" + directoryProperty + "), which is its record handler; a ring"
                                + " feeds either its archive or a handler bean",
                        "Remove " + RingProperty.HANDLER.name(name) + " to archive the ring's records, or remove "
                                + directoryProperty + " to feed them to the handler bean instead.");
            }
            if (!drain.isEnabled()) {
                throw invalid(name, RingProperty.DRAIN_ENABLED, false,
                        "the ring has an archive (" + directoryProperty + "), which only its drain loop writes",
                        "Remove " + drainProperty + " (it defaults to true), or remove " + directoryProperty
                                + " to read the ring yourself through @Qualifier(\"" + name + "\") Consumer.");
            }
            archive = checkArchive(name, ring.getArchive());
        }
        boolean toConsole = this.logging != null && name.equals(this.logging.ring())
                && this.logging.output() == LoggingOutput.CONSOLE;
        if (drain.isEnabled() && handler == null && archive == null && !toConsole) {
            throw invalid(name, RingProperty.HANDLER, null,
                    "the ring's drain is enabled (" + drainProperty
                            + " defaults to true) but no record handler is named",
                    "Set " + RingProperty.HANDLER.name(name)
                            + " to the name of a dev.logbuf.RecordHandler bean, or set " + directoryProperty
                            + " to archive the records to files, or set " + drainProperty
                            + "=false and read the ring yourself through @Qualifier(\"" + name + "\") Consumer.");
        }
        if (!drain.isEnabled() && handler != null) {
            throw invalid(name, RingProperty.HANDLER, handler,
                    "the ring has no drain loop (" + drainProperty + "=false), so no handler would be fed",
                    "Remove " + RingProperty.HANDLER.name(name) + ", or remove " + drainProperty
                            + " to let the drain loop feed the handler bean.");
        }
        KafkaSettings kafka = checkKafka(name, ring.getKafka(), archive);
        return new RingSettings(name, ring.getType(), (int) capacity.toBytes(), ring.getStallTimeout(), handler,
                drain.isEnabled(), drain.getBatchLimit(), drain.getIdleStrategy(), drain.getShutdownTimeout(),
                ring.isUnblockDeadClaims(), file, archive, kafka);
    }

    /**
     * A ring ships its archive to Kafka when {@code kafka.topic} is set: it needs the
     * archive, a valid topic name and the Kafka classes; the other {@code kafka.*} keys
     * need the topic.
     */
    private KafkaSettings checkKafka(String name, LogbufProperties.Kafka kafka, ArchiveSettings archive) {
        String topicProperty = RingProperty.KAFKA_TOPIC.name(name);
        if (kafka.getTopic() == null) {
            for (RingProperty property : List.of(RingProperty.KAFKA_MAX_IN_FLIGHT,
                    RingProperty.KAFKA_CHECKPOINT_INTERVAL, RingProperty.KAFKA_SHUTDOWN_TIMEOUT,
                    RingProperty.KAFKA_OUTAGE_TIMEOUT)) {
                if (configuredValue(name, property.key()) != null) {
                    throw invalid(name, property, null,
                            "the ring ships nothing to Kafka (" + topicProperty
                                    + " is not set), so this setting would be ignored",
                            "Set " + topicProperty + " to ship the ring's archive to a Kafka topic, or remove "
                                    + property.name(name) + ".");
                }
            }
            if (!kafka.getProperties().isEmpty()) {
                String setting = kafka.getProperties().keySet().iterator().next();
                String property = RingProperty.KAFKA_PROPERTIES.name(name) + "." + setting;
                ConfiguredValue value = configuredValue(this.environment, property);
                throw new InvalidRingPropertyException(name, property, kafka.getProperties().get(setting),
                        (value != null) ? value.origin() : null,
                        "the ring ships nothing to Kafka (" + topicProperty
                                + " is not set), so this setting would be ignored",
                        "Set " + topicProperty + " to ship the ring's archive to a Kafka topic, or remove "
                                + RingProperty.KAFKA_PROPERTIES.name(name) + ".*.");
            }
            return null;
        }
        String topic = kafka.getTopic().trim();
        if (archive == null) {
            String directoryProperty = RingProperty.ARCHIVE_DIRECTORY.name(name);
            throw invalid(name, RingProperty.KAFKA_TOPIC, topic,
                    "the shipper sends the records of the ring's archive, and the ring has no archive ("
                            + directoryProperty + " is not set)",
                    "Set " + directoryProperty + " to a directory for the ring's archive (the shipper follows its"
                            + " segment files, and retention keeps what is not yet shipped), or remove " + topicProperty
                            + ".");
        }
        if (!topic.matches(KafkaSettings.TOPIC_PATTERN) || topic.equals(".") || topic.equals("..")) {
            throw invalid(name, RingProperty.KAFKA_TOPIC, topic, RingProperty.KAFKA_TOPIC.problem());
        }
        List<String> missing = KAFKA_CLASSES.entrySet()
            .stream()
            .filter((entry) -> !ClassUtils.isPresent(entry.getKey(), this.classLoader))
            .map(Map.Entry::getValue)
            .sorted()
            .toList();
        if (!missing.isEmpty()) {
            throw invalid(name, RingProperty.KAFKA_TOPIC, topic,
                    "shipping to Kafka needs " + String.join(" and ", missing) + " on the class path, and "
                            + ((missing.size() > 1) ? "they are" : "it is") + " not there",
                    "Add the dependency " + String.join(" and the dependency ", missing)
                            + " to the application (versions: logbuf's and Spring Boot's; spring-boot-starter-kafka"
                            + " brings spring-boot-kafka), or remove " + topicProperty + ".");
        }
        if (kafka.getMaxInFlight() < 1) {
            throw invalid(name, RingProperty.KAFKA_MAX_IN_FLIGHT, kafka.getMaxInFlight(),
                    RingProperty.KAFKA_MAX_IN_FLIGHT.problem());
        }
        Duration checkpointInterval = kafka.getCheckpointInterval();
        if (checkpointInterval == null || checkpointInterval.isNegative()) {
            throw invalid(name, RingProperty.KAFKA_CHECKPOINT_INTERVAL, checkpointInterval,
                    RingProperty.KAFKA_CHECKPOINT_INTERVAL.problem());
        }
        requirePositive(name, RingProperty.KAFKA_SHUTDOWN_TIMEOUT, kafka.getShutdownTimeout());
        requirePositive(name, RingProperty.KAFKA_OUTAGE_TIMEOUT, kafka.getOutageTimeout());
        return new KafkaSettings(topic, kafka.getMaxInFlight(), checkpointInterval, kafka.getShutdownTimeout(),
                kafka.getOutageTimeout(), Map.copyOf(kafka.getProperties()));
    }

    /**
     * The logging ring takes events from every logging thread and is drained by the
     * appender; with output {@code console} its drain writes standard output, so a
     * handler or archive would never be fed.
     */
    private void checkLoggingRing(String name, LogbufProperties.Ring ring) {
        String ringProperty = LoggingSettingsBinder.PREFIX + ".ring";
        if (ring.getType() != RingBuffer.Type.MPSC) {
            throw invalid(name, RingProperty.TYPE, ring.getType(),
                    "the ring carries the application's log events (" + ringProperty
                            + "), which every thread writes: it must be mpsc",
                    "Set " + RingProperty.TYPE.name(name) + " to mpsc (or remove it: mpsc is the default).");
        }
        if (!ring.getDrain().isEnabled()) {
            throw invalid(name, RingProperty.DRAIN_ENABLED, false,
                    "the ring carries the application's log events (" + ringProperty
                            + "); the logging appender drains it",
                    "Remove " + RingProperty.DRAIN_ENABLED.name(name) + ", or set " + ringProperty
                            + " to another ring.");
        }
        if (this.logging.output() != LoggingOutput.CONSOLE) {
            return;
        }
        String outputProperty = LoggingSettingsBinder.PREFIX + ".output";
        boolean hasArchive = ring.getArchive().getDirectory() != null
                && !ring.getArchive().getDirectory().toString().isBlank();
        if (StringUtils.hasText(ring.getHandler()) || hasArchive) {
            RingProperty property = hasArchive ? RingProperty.ARCHIVE_DIRECTORY : RingProperty.HANDLER;
            throw invalid(name, property, hasArchive ? ring.getArchive().getDirectory() : ring.getHandler(),
                    "the ring carries the application's log events to standard output (" + outputProperty
                            + "=console), so its " + (hasArchive ? "archive" : "handler") + " would never be fed",
                    "Set " + outputProperty + "=ring to hand the events to the ring's "
                            + (hasArchive ? "archive" : "handler") + " instead of standard output, or remove "
                            + property.name(name) + ".");
        }
    }

    private ArchiveSettings checkArchive(String name, LogbufProperties.Archive archive) {
        DataSize segmentSize = archive.getSegmentSize();
        if (segmentSize == null || segmentSize.toBytes() < ArchiveSettings.MIN_SEGMENT_SIZE
                || segmentSize.toBytes() > ArchiveSettings.MAX_SEGMENT_SIZE) {
            throw invalid(name, RingProperty.ARCHIVE_SEGMENT_SIZE, segmentSize,
                    "the segment size must be from " + ArchiveSettings.MIN_SEGMENT_SIZE + "B to 1GB ("
                            + ArchiveSettings.MIN_SEGMENT_SIZE + " to " + ArchiveSettings.MAX_SEGMENT_SIZE + " bytes)"
                            + ((segmentSize != null) ? "; it is " + segmentSize.toBytes() + " bytes" : ""));
        }
        if (archive.getFlush() == null) {
            throw invalid(name, RingProperty.ARCHIVE_FLUSH, null, RingProperty.ARCHIVE_FLUSH.problem());
        }
        requirePositive(name, RingProperty.ARCHIVE_FLUSH_INTERVAL, archive.getFlushInterval());
        Integer maxSegments = archive.getRetention().getMaxSegments();
        if (maxSegments != null && maxSegments < 1) {
            throw invalid(name, RingProperty.ARCHIVE_RETENTION_MAX_SEGMENTS, maxSegments,
                    RingProperty.ARCHIVE_RETENTION_MAX_SEGMENTS.problem());
        }
        Duration maxAge = archive.getRetention().getMaxAge();
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw invalid(name, RingProperty.ARCHIVE_RETENTION_MAX_AGE, maxAge,
                    RingProperty.ARCHIVE_RETENTION_MAX_AGE.problem());
        }
        return new ArchiveSettings(archive.getDirectory(), segmentSize.toBytes(), archive.getFlush(),
                archive.getFlushInterval(), maxSegments, maxAge);
    }

    private void requirePositive(String name, RingProperty property, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw invalid(name, property, duration, property.problem());
        }
    }

    private InvalidRingPropertyException invalid(String ring, RingProperty property, Object boundValue,
            String problem) {
        return invalid(ring, property, boundValue, problem, property.action(ring));
    }

    private InvalidRingPropertyException invalid(String ring, RingProperty property, Object boundValue, String problem,
            String action) {
        ConfiguredValue value = configuredValue(ring, property.key());
        String text = (value != null) ? value.text() : (boundValue != null) ? boundValue.toString() : null;
        return new InvalidRingPropertyException(ring, property.name(ring), text,
                (value != null) ? value.origin() : null, problem, action);
    }

    /**
     * Where and how a ring property was written, or {@code null} when it is not written
     * anywhere (its default applies).
     * @param ring the ring's name
     * @param key the key below it
     * @return the value and its origin
     */
    ConfiguredValue configuredValue(String ring, String key) {
        return configuredValue(this.environment, RingProperty.name(ring, key));
    }

    /**
     * Where and how a property was written, or {@code null} when it is not written
     * anywhere.
     * @param environment the environment
     * @param propertyName the full property name
     * @return the value and its origin
     */
    static ConfiguredValue configuredValue(Environment environment, String propertyName) {
        ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(propertyName);
        if (name == null) {
            return null;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return ConfiguredValue.of(property);
            }
        }
        return null;
    }

    /**
     * Turns a conversion failure under {@code logbuf.rings.<ring>.*} (say,
     * {@code type: lifo}) into an {@link InvalidRingPropertyException}; other failures
     * stay as they are.
     */
    private RuntimeException translate(BindException ex) {
        ConfigurationProperty property = ex.getProperty();
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(RingProperty.PREFIX);
        if (property == null || !prefix.isAncestorOf(property.getName())
                || property.getName().getNumberOfElements() < 4) {
            return ex;
        }
        String ring = property.getName().getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
        String key = property.getName().subName(3).toString();
        ConfiguredValue value = ConfiguredValue.of(property);
        String fullName = RingProperty.name(ring, key);
        return RingProperty.of(key)
            .map((known) -> new InvalidRingPropertyException(ring, fullName, value.text(), value.origin(),
                    known.problem(), known.action(ring), ex))
            .orElseGet(() -> new InvalidRingPropertyException(ring, fullName, value.text(), value.origin(),
                    "the value cannot be converted", "Correct " + fullName + " (see docs/starter.md for its values).",
                    ex));
    }

    /**
     * A property's value as written, and where.
     *
     * @param text the value's text
     * @param origin where it was written (file and line), {@code null} when unknown
     */
    record ConfiguredValue(String text, String origin) {

        static ConfiguredValue of(ConfigurationProperty property) {
            return new ConfiguredValue(String.valueOf(property.getValue()),
                    (property.getOrigin() != null) ? property.getOrigin().toString() : null);
        }

    }

}
