package dev.logbuf.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in the test JVM: Kafka's own KRaft test kit (one combined broker
 * and controller, no ZooKeeper, no Docker), which spring-kafka-test brings. Used directly
 * rather than through spring-kafka-test's {@code EmbeddedKafkaKraftBroker}: that wrapper
 * calls test-kit methods that Kafka 4.3 removed, and CI builds the sample with Spring
 * Boot 4.1 and Kafka 4.3.1 too; the methods used here exist in both lines.
 */
final class TestBroker implements AutoCloseable {

    private final KafkaClusterTestKit kit;

    private TestBroker(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    /**
     * Formats and starts a broker and waits until it is ready.
     * @param settings broker settings over the defaults (say
     * {@code advertised.listeners})
     */
    static TestBroker start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("group.initial.rebalance.delay.ms", "0");
        all.put("offsets.topic.replication.factor", "1");
        all.put("transaction.state.log.replication.factor", "1");
        all.put("transaction.state.log.min.isr", "1");
        all.put("num.partitions", "1");
        all.putAll(settings);
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        all.forEach(builder::setConfigProp);
        KafkaClusterTestKit kit = builder.build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        }
        catch (Exception ex) {
            kit.close();
            throw ex;
        }
        return new TestBroker(kit);
    }

    /**
     * The address the broker listens on (not the one it advertises).
     * @return host and port
     */
    String bootstrapServers() {
        return this.kit.bootstrapServers();
    }

    void createTopics(NewTopic... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        this.kit.close();
    }

}
