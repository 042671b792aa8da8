package dev.logbuf.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The two-thread baseline does the work the README says, driven on one thread: it holds
 * what a 64 KiB ring holds, publishes batches of at most 256 records and a quarter of the
 * array, and its consumer reads every byte of every record (its digest is the payload's,
 * times the records read).
 */
class HandoffBaselineTest {

    /**
     * Calls {@code side} (a produce or a consume) until it moves nothing (the array full,
     * or empty); the size of each batch.
     */
    private static List<Integer> batchesUntilNone(IntSupplier side) {
        List<Integer> batches = new ArrayList<>();
        for (int batch; (batch = side.getAsInt()) > 0;) {
            batches.add(batch);
        }
        return batches;
    }

    @Test
    void handoffHoldsWhatA64KibRingHoldsAndPublishesAtMostAQuarterOfItPerBatch() {
        RecordShape shape = RecordShape.of(2048);
        ProducerPayload payload = ProducerPayload.of(shape);
        HandoffBaseline.Handoff handoff = new HandoffBaseline.Handoff();
        handoff.open(shape);

        // 31 slots of 2056 bytes; a quarter is 7
        assertThat(batchesUntilNone(() -> handoff.produce(payload.bytes))).containsExactly(7, 7, 7, 7, 3);
        assertThat(batchesUntilNone(handoff::consume)).containsExactly(7, 7, 7, 7, 3);
        assertThat(handoff.produce(payload.bytes)).as("the slots read are free again").isEqualTo(7);
        assertThat(handoff.consume()).isEqualTo(7);

        RecordShape small = RecordShape.of(16);
        HandoffBaseline.Handoff many = new HandoffBaseline.Handoff();
        many.open(small);
        // 2730 slots of 24 bytes: the batch limit, not the quarter, bounds a batch
        assertThat(many.produce(ProducerPayload.of(small).bytes)).isEqualTo(Workload.DRAIN_BATCH);
        assertThat(many.consume()).isEqualTo(Workload.DRAIN_BATCH);
    }

    @Test
    void handoffConsumerReadsEveryByteOfEveryRecordAcrossTheWrap() {
        RecordShape shape = RecordShape.of(1024);
        ProducerPayload payload = ProducerPayload.of(shape);
        HandoffBaseline.Handoff handoff = new HandoffBaseline.Handoff();
        handoff.open(shape);
        long read = 0;
        for (int round = 0; round < 5; round++) {
            batchesUntilNone(() -> handoff.produce(payload.bytes));
            read += batchesUntilNone(handoff::consume).stream().mapToInt(Integer::intValue).sum();
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
