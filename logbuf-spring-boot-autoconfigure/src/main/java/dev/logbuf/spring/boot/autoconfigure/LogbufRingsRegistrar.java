package dev.logbuf.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers the beans of every ring under {@code logbuf.rings} while the configuration
 * classes are read, so that later {@code @ConditionalOnBean} conditions see them: the
 * {@link LogbufRings} registry, and per ring its {@link RingBuffer}, {@link Producer},
 * {@link Consumer} (drain disabled) or {@link RingDrainLifecycle} (drain enabled, feeding
 * a handler bean or the ring's built-in archive), each qualified with the ring's name.
 * Bad values fail here with an {@link InvalidRingPropertyException}.
 */
class LogbufRingsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

    /** Name of the {@link LogbufRings} bean. */
    static final String RINGS_BEAN_NAME = "logbufRings";

    private static final String RINGS_PREFIX = "logbuf.rings";

    private static final Pattern PLAIN_ELEMENT = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private Environment environment;

    private BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
        List<RingSettings> settings = bindRingSettings();
        registry.registerBeanDefinition(RINGS_BEAN_NAME,
                new RootBeanDefinition(LogbufRings.class,
                        () -> new LogbufRings(settings, (ring) -> new RingArchive(ring.name(), ring.archive(),
                                configuredValue(ring.name(), "archive.directory"), this::archiveWriterCustomizers))));
        for (RingSettings ring : settings) {
            String name = ring.name();
            register(registry, beanName(name, "ringBuffer"), RingBuffer.class, name,
                    () -> rings().get(name).ringBuffer());
            register(registry, beanName(name, "producer"), Producer.class, name, () -> rings().get(name).producer());
            if (ring.drainEnabled() && ring.archive() != null) {
                register(registry, beanName(name, "drain"), RingDrainLifecycle.class, name,
                        () -> new RingDrainLifecycle(rings().get(name)));
            }
            else if (ring.drainEnabled()) {
                String drainBeanName = beanName(name, "drain");
                register(registry, drainBeanName, RingDrainLifecycle.class, name,
                        () -> new RingDrainLifecycle(rings().get(name), ring.handler(),
                                handler(name, ring.handler(), drainBeanName)));
            }
            else {
                register(registry, beanName(name, "consumer"), Consumer.class, name,
                        () -> rings().get(name).consumer());
            }
        }
    }

    /** The bean name of one of a ring's beans, e.g. {@code logbuf.audit.producer}. */
    static String beanName(String ring, String kind) {
        return "logbuf." + ring + "." + kind;
    }

    /** The full name of a ring property, e.g. {@code logbuf.rings.audit.capacity}. */
    static String propertyName(String ring, String suffix) {
        String element = PLAIN_ELEMENT.matcher(ring).matches() ? "." + ring : "[" + ring + "]";
        return RINGS_PREFIX + element + "." + suffix;
    }

    private <T> void register(BeanDefinitionRegistry registry, String beanName, Class<T> type, String ring,
            Supplier<T> supplier) {
        RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, ring));
        registry.registerBeanDefinition(beanName, definition);
    }

    private LogbufRings rings() {
        return this.beanFactory.getBean(RINGS_BEAN_NAME, LogbufRings.class);
    }

    private RecordHandler handler(String ring, String handlerName, String drainBeanName) {
        if (!this.beanFactory.containsBean(handlerName)) {
            throw new RecordHandlerNotFoundException(ring, handlerName, null, handlerBeanNames());
        }
        if (!this.beanFactory.isTypeMatch(handlerName, RecordHandler.class)) {
            Class<?> actual = this.beanFactory.getType(handlerName);
            throw new RecordHandlerNotFoundException(ring, handlerName,
                    (actual != null) ? ClassUtils.getQualifiedName(actual) : "bean of unknown type",
                    handlerBeanNames());
        }
        RecordHandler handler = this.beanFactory.getBean(handlerName, RecordHandler.class);
        if (this.beanFactory instanceof ConfigurableBeanFactory configurable) {
            // the handler outlives its drain loop: stopped and destroyed after it
            configurable.registerDependentBean(handlerName, drainBeanName);
        }
        return handler;
    }

    private List<ArchiveWriterCustomizer> archiveWriterCustomizers() {
        if (this.beanFactory instanceof ListableBeanFactory listable) {
            return listable.getBeanProvider(ArchiveWriterCustomizer.class).orderedStream().toList();
        }
        return List.of();
    }

    private List<String> handlerBeanNames() {
        if (this.beanFactory instanceof ListableBeanFactory listable) {
            return Arrays.asList(listable.getBeanNamesForType(RecordHandler.class));
        }
        return List.of();
    }

    private List<RingSettings> bindRingSettings() {
        Map<String, LogbufProperties.Ring> rings;
        try {
            rings = Binder.get(this.environment)
                .bind(RINGS_PREFIX, Bindable.mapOf(String.class, LogbufProperties.Ring.class))
                .orElseGet(Map::of);
        }
        catch (BindException ex) {
            throw translate(ex);
        }
        List<RingSettings> settings = new ArrayList<>(rings.size());
        rings.forEach(
                (name, ring) -> settings.add(RingSettings.of(name, ring, (suffix) -> configuredValue(name, suffix))));
        return settings;
    }

    /**
     * Where and how a ring property was written, or {@code null} when it is not written
     * anywhere (its default applies).
     */
    ConfiguredValue configuredValue(String ring, String suffix) {
        ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(propertyName(ring, suffix));
        if (name == null) {
            return null;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
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
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(RINGS_PREFIX);
        if (property == null || !prefix.isAncestorOf(property.getName())
                || property.getName().getNumberOfElements() < 4) {
            return ex;
        }
        String ring = property.getName().getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
        String suffix = property.getName().subName(3).toString();
        String fullName = propertyName(ring, suffix);
        ConfiguredValue value = ConfiguredValue.of(property);
        String[] help = switch (suffix) {
            case "type" -> new String[] { "the type must be spsc or mpsc", "Set " + fullName
                    + " to spsc (one producing thread at a time) or mpsc (any number of producing threads)." };
            case "capacity" -> new String[] { "the capacity must be a data size from 16B to 1GB", "Set " + fullName
                    + " to a size such as 1MB or 64KB (units B, KB, MB, GB; binary: 1MB = 1,048,576 bytes)." };
            case "stall-timeout", "drain.shutdown-timeout" -> new String[] { "the value must be a positive duration",
                    "Set " + fullName + " to a positive duration such as 5s or 500ms." };
            case "drain.batch-limit" -> new String[] { "the batch limit must be a positive whole number",
                    "Set " + fullName + " to a positive number of records per drain call, such as 256." };
            case "drain.idle-strategy" -> new String[] { "the idle strategy must be busy-spin, yield, backoff or park",
                    "Set " + fullName + " to busy-spin, yield, backoff or park." };
            case "drain.enabled" ->
                new String[] { "the value must be true or false", "Set " + fullName + " to true or false." };
            case "archive.segment-size" -> new String[] {
                    "the segment size must be a data size from " + ArchiveSettings.MIN_SEGMENT_SIZE + "B to 1GB",
                    "Set " + fullName
                            + " to a size such as 64MB (units B, KB, MB, GB; binary: 1MB = 1,048,576 bytes)." };
            case "archive.flush" -> new String[] { "the flush policy must be none, batch or interval",
                    "Set " + fullName + " to none, batch or interval." };
            case "archive.flush-interval", "archive.retention.max-age" ->
                new String[] { "the value must be a positive duration",
                        "Set " + fullName + " to a positive duration such as 1s, 12h or 7d." };
            case "archive.retention.max-segments" ->
                new String[] { "the value must be a positive whole number", "Set " + fullName
                        + " to a positive number of segments, such as 100, or remove it to keep every segment." };
            default -> new String[] { "the value cannot be converted",
                    "Correct " + fullName + " (see the logbuf starter documentation for its values)." };
        };
        return new InvalidRingPropertyException(ring, fullName, value.text(), value.origin(), help[0], help[1]);
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
