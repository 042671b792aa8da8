package dev.logbuf.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.logbuf.kafka.InvalidProducerSettingException;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingKafkaShipper;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder.ConfiguredValue;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.Lifecycle;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Makes the {@link RingKafkaShipper} bean of a ring with {@code kafka.topic}, with Spring
 * Boot's producer settings: {@link KafkaProperties#buildProducerProperties()}
 * ({@code spring.kafka.*}), then the producer's connection details (bootstrap servers,
 * security protocol, SSL bundle) as Boot's own Kafka auto-configuration applies them. A
 * class of its own, used only when Kafka is on the class path, so that
 * {@link LogbufRingsRegistrar} loads without it.
 */
final class LogbufKafkaShippers {

    private static final String PREFIX = "spring.kafka";

    /** The bean of the logging ring's appender set-up in the context. */
    private static final String LOGGING_LIFECYCLE = "logbufLoggingLifecycle";

    /** The Boot properties that name a producer setting themselves. */
    private static final Map<String, List<String>> BOOT_PROPERTIES = Map.of(ProducerConfig.ACKS_CONFIG,
            List.of("spring.kafka.producer.acks"), ProducerConfig.RETRIES_CONFIG,
            List.of("spring.kafka.producer.retries"), ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            List.of("spring.kafka.producer.bootstrap-servers", "spring.kafka.bootstrap-servers"));

    private LogbufKafkaShippers() {
    }

    /**
     * The shipper bean of ring {@code name}.
     * @param rings the registry
     * @param name the ring's name
     * @param beanFactory where Boot's {@link KafkaProperties} and
     * {@link KafkaConnectionDetails} are looked up
     * @param environment where {@code spring.kafka.*} is bound when Boot's Kafka
     * auto-configuration did not run
     * @return the shipper
     * @throws KafkaProducerSettingException naming the {@code spring.kafka.*} property of
     * a setting the shipper refuses
     */
    static RingKafkaShipper createShipper(LogbufRings rings, String name, BeanFactory beanFactory,
            Environment environment) {
        Map<String, Object> settings = producerSettings(beanFactory, environment);
        LogbufRing ring = rings.get(name);
        try {
            return new RingKafkaShipper(ring, settings, () -> archiveLifecycle(beanFactory, ring));
        }
        catch (InvalidProducerSettingException ex) {
            String property = null;
            ConfiguredValue value = null;
            for (String candidate : properties(name, ex.setting())) {
                value = RingSettingsBinder.configuredValue(environment, candidate);
                if (value != null) {
                    property = candidate;
                    break;
                }
            }
            throw new KafkaProducerSettingException(name, ex.setting(),
                    (value != null) ? value.text() : String.valueOf(ex.value()), property,
                    (value != null) ? value.origin() : null, ex);
        }
    }

    /**
     * What opens the logging ring's archive (drained by its appender, {@code output:
     * ring}): the logging set-up's lifecycle; {@code null} for another ring (its drain
     * loop). Looked up when the shipper starts, never while the shipper bean is made:
     * Spring would then record the shipper as depending on that bean, as it did with the
     * drain loop under AOT, and stop the shipper first, where it must stop after.
     */
    private static Lifecycle archiveLifecycle(BeanFactory beanFactory, LogbufRing ring) {
        if (ring.externalDrain().isPresent() && beanFactory.containsBean(LOGGING_LIFECYCLE)) {
            return beanFactory.getBean(LOGGING_LIFECYCLE, Lifecycle.class);
        }
        return null;
    }

    static Map<String, Object> producerSettings(BeanFactory beanFactory, Environment environment) {
        KafkaProperties properties = beanFactory.getBeanProvider(KafkaProperties.class)
            .getIfAvailable(() -> Binder.get(environment).bindOrCreate(PREFIX, KafkaProperties.class));
        Map<String, Object> settings = new LinkedHashMap<>();
        properties.buildProducerProperties().forEach((key, value) -> {
            if (value != null) {
                settings.put(key, value);
            }
        });
        KafkaConnectionDetails details = beanFactory.getBeanProvider(KafkaConnectionDetails.class).getIfAvailable();
        if (details != null) {
            KafkaConnectionDetails.Configuration producer = details.getProducer();
            settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, producer.getBootstrapServers());
            if (StringUtils.hasLength(producer.getSecurityProtocol())) {
                settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, producer.getSecurityProtocol());
            }
            SslBundle bundle = producer.getSslBundle();
            if (bundle != null) {
                settings.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
                settings.put(SslBundle.class.getName(), bundle);
            }
        }
        return settings;
    }

    /**
     * The properties a producer setting can come from, the most specific first: the
     * ring's {@code kafka.properties.*}, then {@code spring.kafka.*}.
     */
    static List<String> properties(String ring, String setting) {
        List<String> names = new ArrayList<>();
        names.add(RingProperty.KAFKA_PROPERTIES.name(ring) + "." + setting);
        names.add(RingProperty.KAFKA_PROPERTIES.name(ring) + "[" + setting + "]");
        names.addAll(BOOT_PROPERTIES.getOrDefault(setting, List.of()));
        for (String map : List.of("spring.kafka.producer.properties", "spring.kafka.properties")) {
            names.add(map + "." + setting);
            names.add(map + "[" + setting + "]");
        }
        return names;
    }

}
