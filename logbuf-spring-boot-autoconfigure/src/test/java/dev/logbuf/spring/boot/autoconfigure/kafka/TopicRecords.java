package dev.logbuf.spring.boot.autoconfigure.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.logbuf.kafka.ShipperHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic back from its beginning with a plain consumer.
 */
final class TopicRecords {

    private TopicRecords() {
    }

    /**
     * Reads {@code topic} until it has {@code atLeast} records and then nothing more for
     * a second, or {@code timeout} passed.
     */
    static List<Shipped> read(String bootstrapServers, String topic, long atLeast, Duration timeout) {
        Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<Shipped> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() - deadline < 0 && (records.size() < atLeast || emptyPolls < 2)) {
                int before = records.size();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(new Shipped(ShipperHeaders.sequence(record.headers()),
                            ShipperHeaders.ring(record.headers()), new String(record.key(), StandardCharsets.UTF_8),
                            new String(record.value(), StandardCharsets.UTF_8)));
                }
                emptyPolls = (records.size() == before) ? emptyPolls + 1 : 0;
            }
        }
        return records;
    }

    /** One record as the topic holds it. */
    record Shipped(long sequence, String ring, String key, String text) {
    }

}
