package dev.logbuf.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the consumer really read, reported by JMH as rates: {@code records} (records/s)
 * and {@code bytes} (payload bytes/s). These, not the group's raw call count (which
 * includes calls that found the ring full or empty), are the throughput figures.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class DrainCounters {

    /** Records read. */
    public long records;

    /** Payload bytes read. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        records = 0;
        bytes = 0;
    }

    /**
     * Books one drain call that read {@code count} records: counts them and their bytes
     * and hands the consumer's running digest to the Blackhole, or, when the ring was
     * empty, {@linkplain Idler#miss() idles}.
     */
    public void drained(int count, RecordShape shape, long digest, Idler idler, Blackhole blackhole) {
        if (count == 0) {
            idler.miss();
            return;
        }
        idler.hit();
        add(count, shape.recordLength);
        blackhole.consume(digest);
    }

    /** Counts {@code count} records of {@code length} payload bytes each. */
    public void add(int count, int length) {
        records += count;
        bytes += (long) count * length;
    }

}
