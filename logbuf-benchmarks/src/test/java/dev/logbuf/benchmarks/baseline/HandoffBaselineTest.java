package dev.logbuf.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import org.junit.jupiter.api.Test;

/**
 * The two-thread baseline does the work the README says, driven on one thread: it holds
 * what a 64 KiB ring holds, publishes batches of at most 256 records, and its consumer
 * reads every byte of every record (its digest is the payload's, times the records read).
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

    @Test
    void handoffHoldsWhatA64KibRingHoldsAndPublishesBatchesOfAtMost256() {
        RecordShape shape = shape(2048);
        ProducerPayload payload = payload(shape);
        HandoffBaseline.Handoff handoff = new HandoffBaseline.Handoff();
        handoff.open(shape);

        int slots = 65536 / 2056;
        assertThat(handoff.produce(payload.bytes)).isEqualTo(slots);
        assertThat(handoff.produce(payload.bytes)).as("full").isZero();
        assertThat(handoff.consume()).isEqualTo(slots);
        assertThat(handoff.consume()).as("empty").isZero();
        assertThat(handoff.produce(payload.bytes)).as("the slots read are free again").isEqualTo(slots);
        assertThat(handoff.consume()).isEqualTo(slots);

        RecordShape small = shape(16);
        HandoffBaseline.Handoff many = new HandoffBaseline.Handoff();
        many.open(small);
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
            handoff.produce(payload.bytes);
            read += handoff.consume();
        }
        assertThat(read).isEqualTo(5 * (65536 / 1032));
        assertThat(handoff.consumer[HandoffBaseline.Handoff.DIGEST]).isEqualTo(read * PayloadDigest.of(payload.bytes));
    }

}
