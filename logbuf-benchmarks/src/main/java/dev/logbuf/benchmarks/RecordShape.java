package dev.logbuf.benchmarks;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The record length a benchmark runs with, shared by the ring, its producers and its
 * consumer.
 */
@State(Scope.Benchmark)
public class RecordShape {

    /** Payload bytes of every record. */
    @Param({ "16", "64", "256", "1024", "2048" })
    public int recordLength;

    /** A shape outside JMH (the harness tests): records of {@code recordLength} bytes. */
    public static RecordShape of(int recordLength) {
        RecordShape shape = new RecordShape();
        shape.recordLength = recordLength;
        return shape;
    }

    /**
     * Records a {@link Workload#RING_CAPACITY}-byte ring holds at this length: the
     * capacity of the queues.
     */
    public int queueCapacity() {
        return Workload.RING_CAPACITY / Workload.framedLength(recordLength);
    }

}
