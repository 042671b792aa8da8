package dev.logbuf.spring.boot.autoconfigure;

import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.LogbufRings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for logbuf rings: one {@link RingBuffer}, {@code Producer} and
 * drain loop (or {@code Consumer}) per entry of {@code logbuf.rings}, each injectable
 * with {@code @Qualifier("<name>")}, and the {@link LogbufRings} registry. Off with
 * {@code logbuf.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(RingBuffer.class)
@ConditionalOnBooleanProperty(name = "logbuf.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LogbufProperties.class)
@Import(LogbufRingsRegistrar.class)
public final class LogbufAutoConfiguration {

}
