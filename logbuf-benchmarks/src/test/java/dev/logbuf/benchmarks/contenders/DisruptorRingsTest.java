package dev.logbuf.benchmarks.contenders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import org.junit.jupiter.api.Test;

/**
 * The Disruptor contender does the work the README says, driven on one thread: as many
 * events as a 64 KiB logbuf ring holds records, rounded up to a power of two; one poll
 * hands over at most one batch; the consumer reads every byte of every event.
 */
class DisruptorRingsTest {

    @Test
    void disruptorHoldsAPowerOfTwoOfEventsAndAPollHandsOverOneBatch() {
        RecordShape shape = RecordShape.of(64);
        ProducerPayload payload = ProducerPayload.of(shape);
        DisruptorRings.Spsc ring = new DisruptorRings.Spsc();
        ring.open(shape);

        int written = 0;
        while (ring.write(payload)) {
            written++;
        }
        assertThat(shape.queueCapacity()).isEqualTo(910);
        assertThat(written).as("910 records rounded up to a power of two").isEqualTo(1024);
        assertThat(ring.drain()).isEqualTo(Workload.DRAIN_BATCH);
        assertThat(ring.write(payload)).as("a drained event is free again").isTrue();
        int read = Workload.DRAIN_BATCH;
        for (int n; (n = ring.drain()) > 0;) {
            read += n;
        }
        assertThat(read).isEqualTo(1025);
        assertThat(ring.digest()).isEqualTo(1025 * PayloadDigest.of(payload.bytes));
    }

    @Test
    void disruptorMultiProducerRingCarriesTheSameRecords() {
        RecordShape shape = RecordShape.of(2048);
        ProducerPayload payload = ProducerPayload.of(shape);
        DisruptorRings.Mpsc ring = new DisruptorRings.Mpsc();
        ring.open(shape);
        for (int i = 0; i < 10; i++) {
            assertThat(ring.write(payload)).isTrue();
        }
        assertThat(ring.drain()).isEqualTo(10);
        assertThat(ring.drain()).isZero();
        assertThat(ring.digest()).isEqualTo(10 * PayloadDigest.of(payload.bytes));
    }

}
