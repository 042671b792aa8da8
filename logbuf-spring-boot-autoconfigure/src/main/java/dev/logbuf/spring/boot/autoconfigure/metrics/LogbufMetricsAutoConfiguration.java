package dev.logbuf.spring.boot.autoconfigure.metrics;

import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.metrics.LogbufMetrics;
import dev.logbuf.spring.boot.LogbufRings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the rings' Micrometer meters ({@link LogbufMetrics}), bound to
 * every {@link MeterRegistry} by Boot's metrics auto-configuration.
 */
@AutoConfiguration(after = LogbufAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean({ LogbufRings.class, MeterRegistry.class })
public final class LogbufMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LogbufMetrics logbufMetrics(LogbufRings rings) {
        return new LogbufMetrics(rings);
    }

}
