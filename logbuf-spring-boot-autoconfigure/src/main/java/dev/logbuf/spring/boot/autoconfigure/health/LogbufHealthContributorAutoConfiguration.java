package dev.logbuf.spring.boot.autoconfigure.health;

import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.health.RingHealthIndicator;
import dev.logbuf.spring.boot.LogbufRings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code logbuf} health contributor: one
 * {@link RingHealthIndicator} per ring. Off with
 * {@code management.health.logbuf.enabled=false}.
 */
@AutoConfiguration(after = LogbufAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LogbufRings.class)
@ConditionalOnEnabledHealthIndicator("logbuf")
public final class LogbufHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "logbufHealthContributor")
    CompositeHealthContributor logbufHealthContributor(LogbufRings rings, ApplicationContext context) {
        return CompositeHealthContributor.fromMap(rings.asMap(), (ring) -> new RingHealthIndicator(ring,
                () -> (context instanceof Lifecycle lifecycle) && lifecycle.isRunning()));
    }

}
