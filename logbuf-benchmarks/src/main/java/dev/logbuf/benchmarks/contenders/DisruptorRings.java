package dev.logbuf.benchmarks.contenders;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import dev.logbuf.benchmarks.PayloadDigest;
import dev.logbuf.benchmarks.ProducerPayload;
import dev.logbuf.benchmarks.RecordShape;
import dev.logbuf.benchmarks.Workload;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * LMAX Disruptor 4.0 as a byte ring the way Log4j2's async loggers use it: a
 * {@link RingBuffer} of pre-allocated events, each owning a {@code byte[]} of the record
 * length; the producer copies the payload into the next event inside an
 * {@link EventTranslatorOneArg} ({@code tryPublishEvent}: claim, copy in, publish; no
 * allocation, and {@code false} when the ring is full instead of waiting), and the
 * consumer reads each event's bytes in place.
 *
 * <p>
 * The consumer is an {@link EventPoller} (the Disruptor's API for a consumer that runs on
 * its own thread's loop rather than in a {@code BatchEventProcessor} the Disruptor
 * starts): one {@code poll} hands over up to {@link Workload#DRAIN_BATCH} events and
 * publishes the poller's sequence once, at the end of the batch, like the other
 * contenders' batch drains. The ring holds as many events as a logbuf ring of the same
 * byte capacity holds records, rounded up to a power of two (the Disruptor requires one),
 * like JCTools. {@link ProducerType#SINGLE} for SPSC, {@link ProducerType#MULTI} for
 * MPSC. Needs no JVM flag.
 */
public final class DisruptorRings {

    private DisruptorRings() {
    }

    /** One pre-allocated slot of the ring: the record's bytes, copied in and read out. */
    static final class RecordEvent {

        final byte[] bytes;

        RecordEvent(int length) {
            this.bytes = new byte[length];
        }

    }

    /** The producer's copy into the claimed event (what Log4j2's translator does). */
    static final EventTranslatorOneArg<RecordEvent, byte[]> COPY_IN = (event, sequence, payload) -> System
        .arraycopy(payload, 0, event.bytes, 0, payload.length);

    /** Reads every event it is handed, up to one batch per poll. */
    static final class DigestHandler implements EventPoller.Handler<RecordEvent> {

        long digest;

        int handled;

        @Override
        public boolean onEvent(RecordEvent event, long sequence, boolean endOfBatch) {
            digest += PayloadDigest.of(event.bytes);
            return ++handled < Workload.DRAIN_BATCH;
        }

    }

    /** A ring and its poller, shared by its producers and its consumer. */
    public abstract static class Ring {

        RingBuffer<RecordEvent> ring;

        EventPoller<RecordEvent> poller;

        final DigestHandler handler = new DigestHandler();

        void open(ProducerType type, RecordShape shape) {
            int length = shape.recordLength;
            int slots = Integer.highestOneBit(shape.queueCapacity() - 1) << 1;
            // Nobody blocks on this ring (the poller is polled, like every contender's
            // consumer), so a wait strategy whose publish-side signal is free: a blocking
            // strategy would take a lock on every publish for a waiter that never exists.
            this.ring = RingBuffer.create(type, () -> new RecordEvent(length), slots, new BusySpinWaitStrategy());
            this.poller = this.ring.newPoller();
            // the producers may not overwrite what the poller has not handled
            this.ring.addGatingSequences(this.poller.getSequence());
        }

        /**
         * Copies the payload into the next event; {@code false} when the ring is full.
         */
        public boolean write(ProducerPayload payload) {
            return ring.tryPublishEvent(COPY_IN, payload.bytes);
        }

        public int drain() {
            DigestHandler h = this.handler;
            h.handled = 0;
            try {
                poller.poll(h);
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
            return h.handled;
        }

        public long digest() {
            return handler.digest;
        }

    }

    @State(Scope.Group)
    public static class Spsc extends Ring {

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            open(ProducerType.SINGLE, shape);
        }

    }

    @State(Scope.Group)
    public static class Mpsc extends Ring {

        @Setup(Level.Trial)
        public void open(RecordShape shape) {
            open(ProducerType.MULTI, shape);
        }

    }

}
