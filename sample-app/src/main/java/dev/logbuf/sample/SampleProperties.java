package dev.logbuf.sample;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample ({@code sample.*}).
 *
 * @param debugEndpoints whether {@code POST /debug/stall} is available
 * @param archive        where the audit ring's records are written
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("true") boolean debugEndpoints, @DefaultValue Archive archive) {

    /**
     * @param directory directory of the archive files; created when missing
     */
    public record Archive(@DefaultValue("./data/archive") Path directory) {
    }
}
