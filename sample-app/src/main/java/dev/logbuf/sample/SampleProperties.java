package dev.logbuf.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample ({@code sample.*}). Where the audit ring is archived is a
 * starter property: {@code logbuf.rings.audit.archive.directory}.
 *
 * @param debugEndpoints whether {@code POST /debug/stall} is available
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("true") boolean debugEndpoints) {
}
