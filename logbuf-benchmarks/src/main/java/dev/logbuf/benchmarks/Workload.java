package dev.logbuf.benchmarks;

/**
 * The one workload every contender runs, so that scores can be compared.
 *
 * <ul>
 * <li>Every ring has {@link #RING_CAPACITY} bytes of data space; every {@code byte[]}
 * queue holds the number of records of the benchmark's length that such a ring holds
 * ({@link RecordShape#queueCapacity()}).</li>
 * <li>A producer writes one record per benchmark call, through the contender's zero-copy
 * API where it has one (claim, copy the payload in, commit). Queues of {@code byte[]}
 * have none: the producer copies the payload into a fresh array, as hand-written code
 * does, and reuses it only while the queue refuses it.</li>
 * <li>The consumer drains up to {@link #DRAIN_BATCH} records per call and reads every
 * payload byte ({@link PayloadDigest}).</li>
 * <li>A full ring or an empty one is met with {@link Idler#miss()}, identical for every
 * contender.</li>
 * </ul>
 */
public final class Workload {

    /** Data bytes of every ring: 64 KiB. */
    public static final int RING_CAPACITY = 64 * 1024;

    /** Most records one drain call hands over. */
    public static final int DRAIN_BATCH = 256;

    /** Record header of logbuf and of Agrona's rings: 8 bytes, records 8-byte aligned. */
    public static final int RECORD_HEADER_LENGTH = 8;

    private Workload() {
    }

    /**
     * Bytes a record of {@code length} payload bytes takes in a ring, header and padding
     * included.
     */
    public static int framedLength(int length) {
        return (RECORD_HEADER_LENGTH + length + 7) & ~7;
    }

}
