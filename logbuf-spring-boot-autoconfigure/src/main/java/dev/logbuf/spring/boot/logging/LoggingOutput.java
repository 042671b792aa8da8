package dev.logbuf.spring.boot.logging;

import java.util.Locale;

/**
 * Where the logging ring's events go ({@code logbuf.logging.output}).
 */
public enum LoggingOutput {

    /**
     * The appender's drain writes them to standard output, in place of Spring Boot's
     * console appender.
     */
    CONSOLE,

    /**
     * Only the ring's own sink (its handler bean or its archive) gets them; Spring Boot's
     * console appender stays.
     */
    RING;

    /**
     * The name the appender takes ({@code console} or {@code ring}).
     * @return the name
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

}
