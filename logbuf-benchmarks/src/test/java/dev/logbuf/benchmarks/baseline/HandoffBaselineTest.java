package dev.logbuf.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import org.junit.jupiter.api.Test;

/**
 * The two-thread baseline does the work the README says, driven on one thread: it holds
 * what a 64 KiB ring holds, publishes batches of at most 256 records and a quarter of the
 * array, and its consumer reads every byte of every record (its digest is the payload's,
 * times the records read).
 */
class HandoffBaselineTest {

    private static RecordShape shape(int length) {
        RecordShape shape = new RecordShape();
        shape.recordLength = length;
        return shape;
    }

    private static ProducerPayload payload(RecordShape shape) {
        ProducerPayload payload = new ProducerPayload();
        payload.fill(shape);
        return payload;
    }

    /** Batches until the producer finds the array full; their sizes. */
    private static java.util.List<Integer> produceUntilFull(HandoffBaseline.Handoff handoff, byte[] payload) {
        java.util.List<Integer> batches = new java.util.ArrayList<>();
        for (int batch; (batch = handoff.produce(payload)) > 0;) {
            batches.add(batch);
        }
        return batches;
    }

    /** Batches until the consumer finds the array empty; their sizes. */
    private static java.util.List<Integer> consumeUntilEmpty(HandoffBaseline.Handoff handoff) {
        java.util.List<Integer> batches = new java.util.ArrayList<>();
        for (int batch; (batch = handoff.consume()) > 0;) {
            batches.add(batch);
        }
        return batches;
    }

    @Test
    void handoffHoldsWhatA64KibRingHoldsAndPublishesAtMostAQuarterOfItPerBatch() {
        RecordShape shape = shape(2048);
        ProducerPayload payload = payload(shape);
        HandoffBaseline.Handoff handoff = new HandoffBaseline.Handoff();
        handoff.open(shape);

        // 31 slots of 2056 bytes; a quarter is 7
        assertThat(produceUntilFull(handoff, payload.bytes)).containsExactly(7, 7, 7, 7, 3);
        assertThat(consumeUntilEmpty(handoff)).containsExactly(7, 7, 7, 7, 3);
        assertThat(handoff.produce(payload.bytes)).as("the slots read are free again").isEqualTo(7);
        assertThat(handoff.consume()).isEqualTo(7);

        RecordShape small = shape(16);
        HandoffBaseline.Handoff many = new HandoffBaseline.Handoff();
        many.open(small);
        // 2730 slots of 24 bytes: the batch limit, not the quarter, bounds a batch
        assertThat(many.produce(payload(small).bytes)).isEqualTo(Workload.DRAIN_BATCH);
        assertThat(many.consume()).isEqualTo(Workload.DRAIN_BATCH);
    }

    @Test
    void handoffConsumerReadsEveryByteOfEveryRecordAcrossTheWrap() {
        RecordShape shape = shape(1024);
        ProducerPayload payload = payload(shape);
        HandoffBaseline.Handoff handoff = new HandoffBaseline.Handoff();
        handoff.open(shape);
        long read = 0;
        for (int round = 0; round < 5; round++) {
            produceUntilFull(handoff, payload.bytes);
            read += consumeUntilEmpty(handoff).stream().mapToInt(Integer::intValue).sum();
            // a batch of 15 of the 63 slots, then 15 more from a slot that is not 0:
            // every
            // round after the first crosses the end of the array
            handoff.produce(payload.bytes);
            read += handoff.consume();
        }
        assertThat(read).isEqualTo(5 * (65536 / 1032 + 15));
        assertThat(handoff.consumer[HandoffBaseline.Handoff.DIGEST]).isEqualTo(read * PayloadDigest.of(payload.bytes));
    }

}
