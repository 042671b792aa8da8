package dev.logbuf.spring.boot.endpoint;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.logbuf.BlockedClaim;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingArchive;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code logbuf} actuator endpoint: {@code GET /actuator/logbuf} describes every
 * ring, {@code GET /actuator/logbuf/<name>} one ring (404 when there is no such ring).
 */
@Endpoint(id = "logbuf")
public class LogbufEndpoint {

    private final LogbufRings rings;

    public LogbufEndpoint(LogbufRings rings) {
        this.rings = rings;
    }

    @ReadOperation
    public RingsDescriptor rings() {
        Map<String, RingDescriptor> rings = new LinkedHashMap<>();
        this.rings.asMap().forEach((name, ring) -> rings.put(name, describe(ring)));
        return new RingsDescriptor(rings);
    }

    @ReadOperation
    public RingDescriptor ring(@Selector String name) {
        return this.rings.find(name).map(LogbufEndpoint::describe).orElse(null);
    }

    private static RingDescriptor describe(LogbufRing ring) {
        long stallTimeoutNanos = ring.settings().stallTimeout().toNanos();
        BlockedClaimDescriptor blocked = ring.blockedClaim()
            .map((claim) -> BlockedClaimDescriptor.of(claim, stallTimeoutNanos))
            .orElse(null);
        // read the consumer position before the producer position: see
        // LogbufRing.usedBytes()
        long consumerPosition = ring.consumerPosition();
        long producerPosition = ring.producerPosition();
        return new RingDescriptor(ring.type().name().toLowerCase(Locale.ROOT), ring.capacity(), ring.maxRecordLength(),
                producerPosition, consumerPosition, Math.max(0, producerPosition - consumerPosition),
                ring.claimsRejected(), ring.drainEnabled() ? ring.recordsConsumed() : null, consumerPosition,
                ring.drainEnabled() ? ring.drainErrors() : null, ring.drainEnabled(), ring.drainRunning(),
                ring.settings().handler(), ring.settings().stallTimeout().toMillis(),
                blocked != null && blocked.stalled(), blocked, ring.archive().map(ArchiveDescriptor::of).orElse(null));
    }

    /**
     * Every ring by name.
     *
     * @param rings the rings, in configuration order
     */
    public record RingsDescriptor(Map<String, RingDescriptor> rings) implements OperationResponseBody {
    }

    /**
     * One ring.
     *
     * @param type {@code spsc} or {@code mpsc}
     * @param capacity data capacity in bytes
     * @param maxRecordLength largest payload of one record
     * @param producerPosition end of the last claimed record
     * @param consumerPosition end of the last released record
     * @param usedBytes between the two positions
     * @param claimsRejected claims and offers that found the ring full
     * @param recordsConsumed records handed to the handler ({@code null} without drain
     * loop)
     * @param bytesConsumed bytes released by the consumer, headers and padding included
     * @param drainErrors handler calls that threw ({@code null} without drain loop)
     * @param drainEnabled whether the ring has a drain loop
     * @param drainRunning whether that loop is running
     * @param handler the handler bean's name, or {@code null}
     * @param stallTimeoutMs the configured stall timeout
     * @param stalled whether the head has been claimed for at least the stall timeout
     * @param blockedClaim the claimed, uncommitted record at the head, or {@code null}
     * @param archive the ring's built-in archive, or {@code null} when it feeds a handler
     * bean
     */
    public record RingDescriptor(String type, int capacity, int maxRecordLength, long producerPosition,
            long consumerPosition, long usedBytes, long claimsRejected, Long recordsConsumed, long bytesConsumed,
            Long drainErrors, boolean drainEnabled, boolean drainRunning, String handler, long stallTimeoutMs,
            boolean stalled, BlockedClaimDescriptor blockedClaim,
            ArchiveDescriptor archive) implements OperationResponseBody {
    }

    /**
     * A ring's built-in archive.
     *
     * @param directory absolute path of the archive directory
     * @param open whether the drain loop has the archive open
     * @param flush the flush policy: {@code none}, {@code batch} or {@code interval}
     * @param segmentSize bytes at which a segment is sealed
     * @param segments segment files in the directory
     * @param bytesWritten bytes of record frames written since the application started
     * @param writtenSequence sequence of the last record handed to the operating system
     * (-1: none), or {@code null} before the archive was first opened
     * @param flushedSequence sequence of the last record forced to the device (-1: none),
     * or {@code null}
     * @param error why the archive cannot write, or {@code null} when it can
     */
    public record ArchiveDescriptor(String directory, boolean open, String flush, long segmentSize, int segments,
            long bytesWritten, Long writtenSequence, Long flushedSequence, String error) {

        static ArchiveDescriptor of(RingArchive archive) {
            return new ArchiveDescriptor(archive.directory().toAbsolutePath().toString(), archive.isOpen(),
                    archive.settings().flushName(), archive.settings().segmentSize(), archive.segmentCount(),
                    archive.bytesWritten(), archive.writtenSequence().orElse(null),
                    archive.flushedSequence().orElse(null), archive.failure().orElse(null));
        }
    }

    /**
     * The record at the head that is claimed but not committed.
     *
     * @param position its position
     * @param blockedForMs how long it has blocked the consumer (at least)
     * @param claimantThread the claiming thread's name, or {@code null} where unknown
     * @param stalled whether {@code blockedForMs} reached the stall timeout
     */
    public record BlockedClaimDescriptor(long position, long blockedForMs, String claimantThread, boolean stalled) {

        static BlockedClaimDescriptor of(BlockedClaim claim, long stallTimeoutNanos) {
            return new BlockedClaimDescriptor(claim.position(), TimeUnit.NANOSECONDS.toMillis(claim.blockedForNanos()),
                    claim.claimantThreadName(), claim.blockedForNanos() >= stallTimeoutNanos);
        }
    }

}
