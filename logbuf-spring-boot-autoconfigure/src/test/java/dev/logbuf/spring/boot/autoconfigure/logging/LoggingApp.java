package dev.logbuf.spring.boot.autoconfigure.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.logbuf.spring.boot.autoconfigure.LogbufAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.health.LogbufHealthContributorAutoConfiguration;
import dev.logbuf.spring.boot.autoconfigure.metrics.LogbufMetricsAutoConfiguration;
import dev.logbuf.spring.boot.logging.LogbufLogging;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Spring Boot application for the logging tests: started through
 * {@code SpringApplication} (so Boot's logging listener and the starter's run), not web,
 * with the starter's auto-configurations, health and metrics.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ LogbufAutoConfiguration.class, LogbufLoggingAutoConfiguration.class,
        LogbufHealthContributorAutoConfiguration.class, MetricsAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
        LogbufMetricsAutoConfiguration.class })
class LoggingApp {

    static ConfigurableApplicationContext run(List<ApplicationListener<?>> listeners, Class<?>[] sources,
            String... properties) {
        List<Class<?>> all = new ArrayList<>(List.of(sources));
        all.add(0, LoggingApp.class);
        SpringApplicationBuilder builder = new SpringApplicationBuilder(all.toArray(Class<?>[]::new))
            .web(WebApplicationType.NONE)
            .listeners(listeners.toArray(ApplicationListener<?>[]::new));
        return builder.run(properties);
    }

    static ConfigurableApplicationContext run(String... properties) {
        return run(List.of(), new Class<?>[0], properties);
    }

    static LogbufLogging logging(ConfigurableApplicationContext context) {
        return context.getBean(LogbufLogging.class);
    }

    /**
     * The numbered events of each stream (a name such as {@code close-t1}) found in
     * {@code output}, in the order they came out: lines ending with
     * {@code <marker> <stream> <number>}.
     */
    static java.util.Map<String, List<Integer>> numbered(String output, String marker) {
        Pattern line = Pattern.compile(Pattern.quote(marker) + " (\\S+) (\\d+)$");
        java.util.Map<String, List<Integer>> streams = new java.util.TreeMap<>();
        for (String text : output.split("\\R")) {
            Matcher matcher = line.matcher(text);
            if (matcher.find()) {
                streams.computeIfAbsent(matcher.group(1), (key) -> new ArrayList<>())
                    .add(Integer.parseInt(matcher.group(2)));
            }
        }
        return streams;
    }

    /**
     * Asserts that every stream came out as 0, 1, ..., count - 1: once each, in order.
     */
    static void assertOnceInOrder(java.util.Map<String, List<Integer>> streams,
            java.util.Map<String, Integer> expected) {
        assertThat(streams.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((stream, count) -> {
            List<Integer> numbers = streams.get(stream);
            assertThat(numbers).as("events of %s", stream).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(numbers.get(i)).as("event %d of %s", i, stream).isEqualTo(i);
            }
        });
    }

}
