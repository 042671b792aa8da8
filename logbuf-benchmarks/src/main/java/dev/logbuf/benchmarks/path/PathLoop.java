package dev.logbuf.benchmarks.path;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.benchmarks.Workload;
import java.util.SplittableRandom;

/**
 * The work of {@link OneThreadPath} as a plain program with a fixed number of records,
 * for counting instructions rather than timing them ({@code instructions.sh} runs it
 * under {@code valgrind --tool=callgrind} with two record counts: the difference, over
 * the difference in records, is the instructions one record costs in steady state,
 * start-up and compilation cancelled out). One thread writes each record (claim, copy,
 * commit; or offer) and drains a batch, reading every byte, whenever the ring is full.
 *
 * <p>
 * Usage: {@code PathLoop SPSC|MPSC claim|offer recordLength records}; prints the
 * consumer's digest (so that nothing is optimized away).
 */
public final class PathLoop {

    private PathLoop() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: PathLoop SPSC|MPSC claim|offer recordLength records");
            System.exit(2);
        }
        RingBuffer.Type type = RingBuffer.Type.valueOf(args[0]);
        boolean offer = switch (args[1]) {
            case "claim" -> false;
            case "offer" -> true;
            default -> throw new IllegalArgumentException("claim or offer, was " + args[1]);
        };
        int length = Integer.parseInt(args[2]);
        long records = Long.parseLong(args[3]);
        RingBuffer ring = RingBuffer.builder(type).capacity(Workload.RING_CAPACITY).build();
        Producer producer = ring.producer();
        Consumer consumer = ring.consumer();
        OneThreadPath.Digest handler = new OneThreadPath.Digest();
        byte[] payload = new byte[length];
        new SplittableRandom(length).nextBytes(payload);
        for (long i = 0; i < records; i++) {
            if (offer) {
                if (!producer.offer(payload)) {
                    consumer.drain(handler, Workload.DRAIN_BATCH);
                    producer.offer(payload);
                }
            }
            else {
                WriteClaim claim = producer.tryClaim(length);
                if (claim == null) {
                    consumer.drain(handler, Workload.DRAIN_BATCH);
                    claim = producer.tryClaim(length);
                }
                claim.putBytes(0, payload, 0, length);
                claim.commit();
            }
        }
        consumer.drain(handler, Integer.MAX_VALUE);
        System.out.println(handler.digest);
    }

}
