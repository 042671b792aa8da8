package dev.logbuf.spring.boot.logging;

import java.util.Locale;

/**
 * How the logging ring's appender encodes an event ({@code logbuf.logging.format}).
 */
public enum LoggingFormat {

    /** Spring Boot's console pattern ({@code logging.pattern.console}). */
    PATTERN,

    /** Elastic Common Schema: one JSON object per line. */
    ECS,

    /** Logstash's JSON format: one JSON object per line. */
    LOGSTASH,

    /** Graylog Extended Log Format: one JSON object per line. */
    GELF;

    /**
     * The name the appender takes ({@code pattern}, {@code ecs}, ...).
     * @return the name
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

}
