package dev.logbuf.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample ({@code sample.*}). Where the audit ring is archived is a
 * starter property: {@code logbuf.rings.audit.archive.directory}.
 *
 * @param debugEndpoints whether {@code POST /debug/stall} is available
 * @param durableTimeout how long {@code POST /events?durable=true} waits for its event to
 * be forced to disk before it answers {@code 503}; from 1ms to 5 minutes
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("true") boolean debugEndpoints,
        @DefaultValue("5s") Duration durableTimeout) {

    static final Duration MAX_DURABLE_TIMEOUT = Duration.ofMinutes(5);

    public SampleProperties {
        if (durableTimeout.compareTo(Duration.ofMillis(1)) < 0 || durableTimeout.compareTo(MAX_DURABLE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("sample.durable-timeout is " + durableTimeout
                    + "; it must be from 1ms to 5m (how long POST /events?durable=true waits for the disk), for"
                    + " example 5s");
        }
    }

}
