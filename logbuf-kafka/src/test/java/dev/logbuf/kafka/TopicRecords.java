package dev.logbuf.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a topic holds, read back from its beginning with a plain consumer: each record's
 * partition, archive sequence, ring header and payload.
 */
final class TopicRecords {

    /** One record as the topic holds it. */
    record Shipped(int partition, long offset, long sequence, String ring, String ringId, byte[] key, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

    }

    private TopicRecords() {
    }

    /**
     * Reads {@code topic} from its beginning until it has read {@code atLeast} records
     * and then nothing more for a moment, or {@code timeout} passed.
     */
    static List<Shipped> read(String bootstrapServers, String topic, long atLeast, Duration timeout) {
        Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
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
                    records.add(new Shipped(record.partition(), record.offset(),
                            ShipperHeaders.sequence(record.headers()), ShipperHeaders.ring(record.headers()),
                            new String(record.headers().lastHeader(ShipperHeaders.RING_ID).value(),
                                    StandardCharsets.US_ASCII),
                            record.key(), record.value()));
                }
                emptyPolls = records.size() == before ? emptyPolls + 1 : 0;
            }
        }
        return records;
    }

}
