package dev.logbuf.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.Charset;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Spring Boot's structured formats ({@code ecs}, {@code logstash}, {@code gelf}) through
 * Boot's own {@link StructuredLogEncoder}. The only class of this module that touches
 * Spring Boot (an optional dependency); loaded only when a structured format is chosen.
 *
 * <p>
 * Outside a Spring application the encoder finds no {@link Environment} in the logger
 * context (Boot puts its own there); this class then puts a {@link StandardEnvironment}
 * (system properties and environment variables) there, so {@code logging.structured.*}
 * settings come from {@code -D} options or environment variables.
 */
final class StructuredFormats {

    static final String BOOT_ENCODER = "org.springframework.boot.logging.logback.StructuredLogEncoder";

    private StructuredFormats() {
    }

    static Encoder<ILoggingEvent> encoder(Context context, String format, Charset charset) {
        String key = Environment.class.getName();
        context.getConfigurationLock().lock();
        try {
            if (context.getObject(key) == null) {
                context.putObject(key, new StandardEnvironment());
            }
        }
        finally {
            context.getConfigurationLock().unlock();
        }
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setCharset(charset);
        encoder.start();
        return encoder;
    }

}
