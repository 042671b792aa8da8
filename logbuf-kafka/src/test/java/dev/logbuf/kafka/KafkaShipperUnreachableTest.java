package dev.logbuf.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logbuf.archive.ArchiveWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker nobody can reach: the producer's send waits for the topic's metadata for up to
 * {@code max.block.ms} on the shipper's own thread (found running the sample against a
 * broker that went away: Kafka's clients bootstrap again and forget the metadata). The
 * status must show the outage all the same: health reads it.
 */
class KafkaShipperUnreachableTest {

    @TempDir
    Path dir;

    @Test
    void aSendBlockedWaitingForTheBrokerCountsAsAnOutage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        try (ArchiveWriter archive = ArchiveWriter.open(dir)) {
            for (int i = 0; i < 3; i++) {
                byte[] record = KafkaShipperEndToEndTest.payload(i);
                archive.onRecord(ByteBuffer.wrap(record), 0, record.length, -1);
            }
            archive.endOfBatch();
        }
        KafkaShipper shipper = KafkaShipper.builder(dir, "unreachable")
            .producerSettings(Map.of("bootstrap.servers", "localhost:" + port, "max.block.ms", 60_000))
            .build();
        shipper.start();
        try {
            await().atMost(Duration.ofSeconds(30))
                .until(() -> shipper.status().outageNanos() > TimeUnit.MILLISECONDS.toNanos(500));
            ShipperStatus status = shipper.status();
            // the producer still waits inside its first send: no send has failed yet
            assertThat(status.state()).isEqualTo(ShipperState.SHIPPING);
            assertThat(status.sendErrors()).isZero();
            assertThat(status.acknowledgedSequence()).isEqualTo(-1);
        }
        finally {
            shipper.stop(Duration.ofSeconds(1));
        }
        assertThat(shipper.status().outageNanos()).as("not running: no outage").isZero();
    }

}
