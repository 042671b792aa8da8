package dev.logbuf.spring.boot.autoconfigure.logging;

import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.logging.LogbufLogging;
import dev.logbuf.spring.boot.logging.LoggingMetrics;
import dev.logbuf.spring.boot.logging.LoggingSettings;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the application's logs through a ring
 * ({@code logbuf.logging.enabled=true}): the {@link LogbufLogging} set-up the
 * {@link LogbufLoggingListener} made before the context (or, for a context not started by
 * {@code SpringApplication}, one made now on the registry's ring), its lifecycle in the
 * context ({@link LoggingLifecycle}: the output {@code ring} is attached while the
 * context runs) and the meter {@code logbuf.logging.dropped}.
 */
@AutoConfiguration(after = LogbufAutoConfiguration.class)
@ConditionalOnClass(name = { "ch.qos.logback.classic.LoggerContext", "dev.logbuf.logback.LogbufAppender" })
@ConditionalOnBooleanProperty("logbuf.logging.enabled")
@ConditionalOnBean(LogbufRings.class)
@EnableConfigurationProperties(LogbufLoggingProperties.class)
public final class LogbufLoggingAutoConfiguration {

    @Bean
    LogbufLogging logbufLogging(LogbufRings rings, Environment environment,
            ObjectProvider<ArchiveWriterCustomizer> archiveWriterCustomizers) {
        LoggingSettings settings = LoggingSettingsBinder.bind(environment);
        LogbufRing ring = rings.get(settings.ring());
        LogbufLogging logging = LoggingInstaller.loggedThrough(environment, ring)
            .orElseGet(() -> LoggingInstaller.install(environment, settings, ring));
        logging.useArchiveWriterCustomizers(() -> archiveWriterCustomizers.orderedStream().toList());
        return logging;
    }

    @Bean
    LoggingLifecycle logbufLoggingLifecycle(LogbufLogging logging, BeanFactory beanFactory) {
        return new LoggingLifecycle(logging, beanFactory, "logbufLoggingLifecycle");
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class LoggingMetricsConfiguration {

        @Bean
        LoggingMetrics logbufLoggingMetrics(LogbufRings rings, Environment environment) {
            String ring = LoggingSettingsBinder.bind(environment).ring();
            return new LoggingMetrics(() -> LoggingInstaller.loggedThrough(environment, rings.get(ring))
                .orElseThrow(() -> new IllegalStateException("No logbuf logging set-up on ring '" + ring + "'")));
        }

    }

}
