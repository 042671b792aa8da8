package dev.logbuf.spring.boot.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter works without Kafka on the class path, and a ring with {@code kafka.topic}
 * then fails start-up naming the dependencies to add: a child JVM runs
 * {@link WithoutKafkaApplication} with this test's class path less every Kafka artifact
 * ({@code kafka-clients}, {@code logbuf-kafka}, {@code spring-kafka},
 * {@code spring-boot-kafka}, the broker's), as an application that never added them has
 * it. (Kafka is an optional dependency of the starter: docs/starter.md.)
 */
class WithoutKafkaTests {

    @TempDir
    Path directory;

    @Test
    void anArchiveRingWorksWithHealthMetersAndEndpointAndKafkaTopicNamesTheDependencies()
            throws IOException, InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter((entry) -> !isKafka(Path.of(entry)))
            .collect(Collectors.joining(File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classPath, WithoutKafkaApplication.class.getName(),
                this.directory.toString())
            .redirectErrorStream(true)
            .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("[a-zA-Z]+")) {
                found.put(line.substring(0, equals), line.substring(equals + 1).trim());
            }
        }
        assertThat(found).as(output)
            .containsEntry("kafkaClients", "false")
            .containsEntry("logbufKafka", "false")
            .containsEntry("bootKafka", "false")
            .containsEntry("offered", "true")
            .containsEntry("health", "UP")
            .containsEntry("healthHasKafka", "false")
            .containsEntry("endpointArchiveWritten", "0")
            .containsEntry("endpointKafka", "null")
            .containsEntry("archiveMeters", "1")
            .containsEntry("kafkaMeters", "0")
            .containsEntry("segments", "1")
            .doesNotContainKey("started");
        assertThat(found.get("description")).contains("Property: logbuf.rings.audit.kafka.topic")
            .contains("shipping to Kafka needs dev.logbuf:logbuf-kafka and org.springframework.boot:spring-boot-kafka"
                    + " on the class path, and they are not there");
        assertThat(found.get("action")).startsWith(
                "Add the dependency dev.logbuf:logbuf-kafka and the dependency org.springframework.boot:spring-boot-kafka");
    }

    /** A Kafka artifact: a jar named so, or the classes of the logbuf-kafka module. */
    private static boolean isKafka(Path entry) {
        Path name = entry.getFileName();
        if (name == null) {
            return false;
        }
        List<String> moduleOutput = List.of("classes", "test-classes");
        if (moduleOutput.contains(name.toString()) && entry.getParent() != null
                && entry.getParent().getParent() != null) {
            name = entry.getParent().getParent().getFileName();
        }
        return name.toString().contains("kafka");
    }

}
