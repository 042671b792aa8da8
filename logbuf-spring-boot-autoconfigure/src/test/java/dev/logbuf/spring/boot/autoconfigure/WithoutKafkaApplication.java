package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.autoconfigure.endpoint.LogbufEndpointAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.health.LogbufHealthContributorAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.metrics.LogbufMetricsAutoConfiguration;
import dev.logbuf.spring.boot.endpoint.LogbufEndpoint;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.awaitility.Awaitility.await;

/**
 * The child JVM of {@link WithoutKafkaTests}, started with a class path that holds no
 * Kafka class: an archive ring with health, meters and the endpoint works; a ring with
 * {@code kafka.topic} fails with an analysis naming the dependencies. Prints what it
 * found, one {@code key=value} per line.
 */
public final class WithoutKafkaApplication {

    private WithoutKafkaApplication() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        System.out.println("kafkaClients=" + present("org.apache.kafka.clients.producer.KafkaProducer"));
        System.out.println("logbufKafka=" + present("dev.logbuf.kafka.KafkaShipper"));
        System.out.println("bootKafka=" + present("org.springframework.boot.kafka.autoconfigure.KafkaProperties"));
        try (ConfigurableApplicationContext context = start("--logbuf.rings.audit.archive.directory=" + directory)) {
            LogbufRing ring = context.getBean(LogbufRings.class).get("audit");
            System.out.println("offered=" + ring.producer().offer("without kafka".getBytes()));
            await().atMost(Duration.ofSeconds(30))
                .until(() -> ring.archive().orElseThrow().writtenSequence().orElse(-1L) == 0);
            HealthIndicator health = (HealthIndicator) context
                .getBean("logbufHealthContributor", CompositeHealthContributor.class)
                .getContributor("audit");
            System.out.println("health=" + health.health().getStatus());
            System.out.println("healthHasKafka=" + health.health().getDetails().containsKey("kafka"));
            LogbufEndpoint.RingDescriptor described = context.getBean(LogbufEndpoint.class).ring("audit");
            System.out.println("endpointArchiveWritten=" + described.archive().writtenSequence());
            System.out.println("endpointKafka=" + described.kafka());
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            System.out.println("archiveMeters=" + meters.find("logbuf.archive.segments").gauges().size());
            System.out.println("kafkaMeters=" + meters.find("logbuf.kafka.sent").meters().size());
        }
        System.out.println("segments=" + Files.list(directory).filter((f) -> f.toString().endsWith(".seg")).count());
        try (ConfigurableApplicationContext context = start("--logbuf.rings.audit.archive.directory=" + directory,
                "--logbuf.rings.audit.kafka.topic=audit")) {
            System.out.println("started=true");
        }
        catch (Exception ex) {
            FailureAnalysis analysis = new InvalidRingPropertyFailureAnalyzer().analyze(ex);
            System.out.println("description="
                    + ((analysis != null) ? analysis.getDescription().replace('\n', '|') : "none for " + ex));
            System.out.println("action=" + ((analysis != null) ? analysis.getAction() : ""));
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
            .properties("management.endpoints.web.exposure.include=logbuf", "spring.main.banner-mode=off",
                    "logging.level.root=warn")
            .run(args);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, WithoutKafkaApplication.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import({ MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, LogbufAutoConfiguration.class,
            LogbufHealthContributorAutoConfiguration.class, LogbufMetricsAutoConfiguration.class,
            LogbufEndpointAutoConfiguration.class })
    static class Application {

    }

}
