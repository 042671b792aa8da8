package dev.logbuf.spring.boot.autoconfigure.endpoint;

import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import dev.logbuf.spring.boot.LogbufRings;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link LogbufEndpoint logbuf actuator endpoint}; it is
 * created when the endpoint is available (enabled and exposed).
 */
@AutoConfiguration(after = LogbufAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(LogbufRings.class)
@ConditionalOnAvailableEndpoint(LogbufEndpoint.class)
public final class LogbufEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LogbufEndpoint logbufEndpoint(LogbufRings rings) {
        return new LogbufEndpoint(rings);
    }

}
