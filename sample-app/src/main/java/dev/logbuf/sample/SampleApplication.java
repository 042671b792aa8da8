package dev.logbuf.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A runnable audit-log archiver: {@code POST /events} offers each request body to the
 * MPSC ring {@code audit}, whose drain loop appends the records to the starter's durable
 * archive under {@code ./data/archive/audit} (segment files, readable with
 * {@code dev.logbuf.archive.ArchiveTool}). Actuator shows the ring's health, meters and
 * the {@code logbuf} endpoint; {@code POST /debug/stall} holds a claim to show the stall
 * indicator.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

}
