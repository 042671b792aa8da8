package dev.logbuf.spring.boot.metrics;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingArchive;
import dev.logbuf.spring.boot.RingKafkaShipper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of every ring, tagged {@code ring} (its name) and {@code type}
 * ({@code spsc} or {@code mpsc}). Every meter reads state the ring keeps anyway, at
 * scrape time: nothing here adds work to a producer or the drain loop.
 * <ul>
 * <li>{@code logbuf.ring.capacity} gauge, bytes: the data capacity.</li>
 * <li>{@code logbuf.ring.used} gauge, bytes: between consumer and producer position
 * (undrained records and claims in progress, headers and padding included).</li>
 * <li>{@code logbuf.bytes.consumed} function counter, bytes: released by the consumer
 * (the consumer position), headers and padding included.</li>
 * <li>{@code logbuf.records.consumed} function counter: records handed to the handler by
 * the drain loop (rings with a drain loop only).</li>
 * <li>{@code logbuf.claims.rejected} counter: claims and offers on the Producer bean that
 * found the ring full.</li>
 * <li>{@code logbuf.drain.errors} counter: drain calls that failed: handler calls that
 * threw, archive writes that failed (rings with a drain loop only).</li>
 * <li>{@code logbuf.claims.unblocked} counter: claims of terminated threads that the
 * drain loop unblocked (rings with a drain loop only).</li>
 * <li>{@code logbuf.ring.stalled} gauge, seconds: how long the record at the head has
 * been claimed while the ring is stalled on it (claimed for {@code stall-timeout}, or by
 * a thread that has ended); 0 otherwise.</li>
 * </ul>
 * Rings with a built-in archive also have:
 * <ul>
 * <li>{@code logbuf.archive.bytes.written} function counter, bytes: chunks written to
 * segment files (chunk headers, anchors and block padding included, segment headers
 * excluded).</li>
 * <li>{@code logbuf.archive.records.dropped} function counter: records the archive took
 * that it does not hold and no retry brings back (records {@code archive.head} named that
 * opening found missing). 0 unless a record is truly lost: a failing write (a full disk)
 * keeps its batch in the ring.</li>
 * <li>{@code logbuf.archive.records.skipped} function counter: records a reopened
 * file-backed ring delivered again that the archive already held (exactly once across a
 * crash).</li>
 * <li>{@code logbuf.archive.durable.position} gauge: the ring position up to which every
 * record is in the archive and forced to the device (-1 before the first force); compare
 * it with {@code logbuf.bytes.consumed} to see how far durability lags.</li>
 * <li>{@code logbuf.archive.segments} gauge: segment files in the archive directory, the
 * one being written included.</li>
 * <li>{@code logbuf.archive.flush} timer: each force of written records to the storage
 * device ({@code fsync}), as the flush policy asks.</li>
 * </ul>
 * Rings that ship their archive to Kafka ({@code kafka.topic}) also have, tagged
 * {@code topic} too:
 * <ul>
 * <li>{@code logbuf.kafka.sent} function counter: records the broker acknowledged.</li>
 * <li>{@code logbuf.kafka.errors} function counter: sends that failed.</li>
 * <li>{@code logbuf.kafka.lag} gauge, records: archived records the broker has not
 * acknowledged.</li>
 * </ul>
 */
public class LogbufMetrics implements MeterBinder {

    private final LogbufRings rings;

    public LogbufMetrics(LogbufRings rings) {
        this.rings = rings;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (LogbufRing ring : this.rings.asMap().values()) {
            bindTo(registry, ring);
        }
    }

    private void bindTo(MeterRegistry registry, LogbufRing ring) {
        Tags tags = Tags.of("ring", ring.name(), "type", ring.type().name().toLowerCase(Locale.ROOT));
        Gauge.builder("logbuf.ring.capacity", ring, LogbufRing::capacity)
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description("Data capacity of the ring")
            .register(registry);
        Gauge.builder("logbuf.ring.used", ring, LogbufRing::usedBytes)
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description("Bytes between consumer and producer position: records not yet drained and claims in progress")
            .register(registry);
        FunctionCounter.builder("logbuf.bytes.consumed", ring, LogbufRing::consumerPosition)
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description("Bytes released by the consumer, record headers and padding included")
            .register(registry);
        FunctionCounter.builder("logbuf.claims.rejected", ring, LogbufRing::claimsRejected)
            .tags(tags)
            .description("Claims and offers that found the ring full")
            .register(registry);
        if (ring.drainEnabled()) {
            FunctionCounter.builder("logbuf.records.consumed", ring, LogbufRing::recordsConsumed)
                .tags(tags)
                .description("Records handed to the handler by the drain loop")
                .register(registry);
            FunctionCounter.builder("logbuf.drain.errors", ring, LogbufRing::drainErrors)
                .tags(tags)
                .description("Drain calls that failed: handler calls that threw, archive writes that failed")
                .register(registry);
            FunctionCounter.builder("logbuf.claims.unblocked", ring, LogbufRing::claimsUnblocked)
                .tags(tags)
                .description("Claims of terminated threads that the drain loop unblocked (their records are lost)")
                .register(registry);
        }
        Gauge.builder("logbuf.ring.stalled", ring, LogbufMetrics::stalledSeconds)
            .tags(tags)
            .baseUnit("seconds")
            .description("How long the ring has been stalled on the record at its head (claimed for stall-timeout,"
                    + " or by a thread that ended), else 0")
            .register(registry);
        ring.archive().ifPresent((archive) -> bindTo(registry, archive, tags));
        if (ring.settings().kafka() != null) {
            bindKafka(registry, ring, tags.and("topic", ring.settings().kafka().topic()));
        }
    }

    /**
     * Bound from the settings: the shipper bean may be made after the meters are bound.
     */
    private void bindKafka(MeterRegistry registry, LogbufRing ring, Tags tags) {
        FunctionCounter
            .builder("logbuf.kafka.sent", ring, (r) -> r.kafka().map(RingKafkaShipper::recordsSent).orElse(0L))
            .tags(tags)
            .description("Records the Kafka broker acknowledged (a record sent again counts again)")
            .register(registry);
        FunctionCounter
            .builder("logbuf.kafka.errors", ring, (r) -> r.kafka().map(RingKafkaShipper::sendErrors).orElse(0L))
            .tags(tags)
            .description("Sends to Kafka that failed (each is retried from the archive)")
            .register(registry);
        Gauge.builder("logbuf.kafka.lag", ring, (r) -> r.kafka().map(RingKafkaShipper::lag).orElse(0L))
            .tags(tags)
            .baseUnit("records")
            .description("Records the archive holds that the Kafka broker has not acknowledged")
            .register(registry);
    }

    private void bindTo(MeterRegistry registry, RingArchive archive, Tags tags) {
        FunctionCounter.builder("logbuf.archive.bytes.written", archive, RingArchive::bytesWritten)
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description(
                    "Bytes of chunks written to the archive's segment files, headers, anchors and padding included")
            .register(registry);
        FunctionCounter.builder("logbuf.archive.records.dropped", archive, RingArchive::recordsDropped)
            .tags(tags)
            .description("Records the archive took that it does not hold and no retry brings back")
            .register(registry);
        FunctionCounter.builder("logbuf.archive.records.skipped", archive, RingArchive::recordsSkipped)
            .tags(tags)
            .description("Records a reopened file-backed ring delivered again that the archive already held")
            .register(registry);
        Gauge.builder("logbuf.archive.durable.position", archive, RingArchive::durablePosition)
            .tags(tags)
            .description("Ring position up to which every record is in the archive and forced to the device")
            .register(registry);
        Gauge.builder("logbuf.archive.segments", archive, RingArchive::segmentCount)
            .tags(tags)
            .description("Segment files in the archive directory, the one being written included")
            .register(registry);
        Timer flush = Timer.builder("logbuf.archive.flush")
            .tags(tags)
            .description("Forces of written archive records to the storage device")
            .register(registry);
        archive.onFlush((nanos) -> flush.record(nanos, TimeUnit.NANOSECONDS));
    }

    private static double stalledSeconds(LogbufRing ring) {
        return ring.stalledClaim().map((claim) -> claim.blockedForNanos() / 1e9).orElse(0.0);
    }

}
