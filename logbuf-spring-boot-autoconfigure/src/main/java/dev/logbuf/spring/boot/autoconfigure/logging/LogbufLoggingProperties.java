package dev.logbuf.spring.boot.autoconfigure.logging;

import dev.logbuf.spring.boot.logging.LoggingFormat;
import dev.logbuf.spring.boot.logging.LoggingOutput;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the application's logs through a ring
 * ({@code logbuf.logging.*}).
 */
@ConfigurationProperties("logbuf.logging")
public class LogbufLoggingProperties {

    /**
     * Whether the application's Logback events go through a ring: encoded on the logging
     * thread into a record, written out by the ring's drain thread.
     */
    private boolean enabled;

    /**
     * Name of the ring that carries the events. Configure it under logbuf.rings.<name>
     * (capacity, stall-timeout, file; its type must be mpsc), or leave it out to get a
     * ring with the defaults.
     */
    private String ring = "logs";

    /**
     * How each event is encoded: 'pattern' (Spring Boot's console pattern) or one of
     * Spring Boot's structured formats 'ecs', 'logstash', 'gelf' (one JSON object per
     * line).
     */
    private LoggingFormat format = LoggingFormat.PATTERN;

    /**
     * Where the events go: 'console' (the drain writes them to standard output in place
     * of Spring Boot's console appender) or 'ring' (only the ring's own handler or
     * archive gets them, while the application context runs; Boot's console appender
     * stays).
     */
    private LoggingOutput output = LoggingOutput.CONSOLE;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRing() {
        return this.ring;
    }

    public void setRing(String ring) {
        this.ring = ring;
    }

    public LoggingFormat getFormat() {
        return this.format;
    }

    public void setFormat(LoggingFormat format) {
        this.format = format;
    }

    public LoggingOutput getOutput() {
        return this.output;
    }

    public void setOutput(LoggingOutput output) {
        this.output = output;
    }

}
