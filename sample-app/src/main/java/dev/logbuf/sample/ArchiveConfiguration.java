package dev.logbuf.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The record handler of the {@code audit} ring ({@code logbuf.rings.audit.handler: auditArchiver}).
 */
@Configuration(proxyBeanMethods = false)
class ArchiveConfiguration {

    @Bean
    FileArchiveHandler auditArchiver(SampleProperties properties) {
        return new FileArchiveHandler(properties.archive().directory(), "audit");
    }
}
