package dev.logbuf.spring.boot.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.logbuf.BlockedClaim;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.ExternalDrain;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingArchive;
import dev.logbuf.spring.boot.RingKafkaShipper;
import dev.logbuf.kafka.ShipperStatus;

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
        BlockedClaimDescriptor blocked = ring.blockedClaim()
            .map((claim) -> BlockedClaimDescriptor.of(claim, ring.isStalled(claim)))
            .orElse(null);
        // read the consumer position before the producer position: see
        // LogbufRing.usedBytes()
        long consumerPosition = ring.consumerPosition();
        long producerPosition = ring.producerPosition();
        boolean drain = ring.drainEnabled();
        return new RingDescriptor(ring.type().name().toLowerCase(Locale.ROOT), ring.capacity(), ring.maxRecordLength(),
                producerPosition, consumerPosition, Math.max(0, producerPosition - consumerPosition),
                ring.claimsRejected(), drain ? ring.recordsConsumed() : null, consumerPosition,
                drain ? ring.drainErrors() : null, drain ? ring.claimsUnblocked() : null, drain, ring.drainRunning(),
                ring.settings().handler(), ring.settings().stallTimeout().toMillis(),
                drain && ring.settings().unblockDeadClaims(), blocked != null && blocked.stalled(), blocked,
                ring.file().map((file) -> file.toAbsolutePath().toString()).orElse(null),
                ring.file().map((file) -> RecoveryDescriptor.of(ring.recovery())).orElse(null),
                ring.archive().map(ArchiveDescriptor::of).orElse(null),
                ring.kafka().map(KafkaDescriptor::of).orElse(null),
                ring.externalDrain().map(ExternalDrain::details).orElse(null));
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
     * @param recordsConsumed records handed to the handler or archive ({@code null}
     * without drain loop)
     * @param bytesConsumed bytes released by the consumer, headers and padding included
     * @param drainErrors drain calls that failed ({@code null} without drain loop)
     * @param claimsUnblocked claims of ended threads the drain loop unblocked
     * ({@code null} without drain loop)
     * @param drainEnabled whether the ring has a drain loop
     * @param drainRunning whether that loop is running
     * @param handler the handler bean's name, or {@code null}
     * @param stallTimeoutMs the configured stall timeout
     * @param unblockDeadClaims whether the drain loop unblocks claims of ended threads
     * @param stalled whether the ring is stalled: the head has been claimed for at least
     * the stall timeout, or by a thread that has ended
     * @param blockedClaim the claimed, uncommitted record at the head, or {@code null}
     * @param file absolute path of the ring's file, or {@code null} for a ring in memory
     * @param recovery what reopening the file found at start, or {@code null}
     * @param archive the ring's built-in archive, or {@code null} when it feeds a handler
     * bean
     * @param kafka the shipping of the ring's archive to Kafka, or {@code null} when it
     * is not shipped
     * @param externalDrain the details of the drain outside the starter that drains the
     * ring (the logging ring's appender: {@code logging}), or {@code null}
     */
    public record RingDescriptor(String type, int capacity, int maxRecordLength, long producerPosition,
            long consumerPosition, long usedBytes, long claimsRejected, Long recordsConsumed, long bytesConsumed,
            Long drainErrors, Long claimsUnblocked, boolean drainEnabled, boolean drainRunning, String handler,
            long stallTimeoutMs, boolean unblockDeadClaims, boolean stalled, BlockedClaimDescriptor blockedClaim,
            String file, RecoveryDescriptor recovery, ArchiveDescriptor archive, KafkaDescriptor kafka,
            Map<String, Object> externalDrain) implements OperationResponseBody {
    }

    /**
     * The shipping of a ring's archive to Kafka.
     *
     * @param topic the topic
     * @param running whether the shipper runs
     * @param state {@code new}, {@code shipping}, {@code retrying}, {@code stopped} or
     * {@code failed}
     * @param recordsSent records the broker acknowledged since the application started (a
     * record sent again counts again)
     * @param sendErrors sends that failed since the application started
     * @param recordsResent records sent again after a failure by the current shipper: an
     * upper bound of the duplicates in the topic
     * @param recordsMissing records gone from the archive before they were shipped
     * @param lag records the archive holds that the broker has not acknowledged
     * @param writtenSequence the last record the archive writer finished (-1: none)
     * @param acknowledgedSequence the last record acknowledged with every record before
     * it (-1: none)
     * @param checkpointSequence the acknowledged record saved in the checkpoint file: the
     * restart point (-1: none)
     * @param outageMs how long records have waited without any acknowledgement, 0 while
     * acknowledgements come
     * @param lastError the last failure, or {@code null} once records are acknowledged
     * again
     * @param segmentsHeld archive segments kept over the retention limits because they
     * hold records not yet shipped
     */
    public record KafkaDescriptor(String topic, boolean running, String state, long recordsSent, long sendErrors,
            long recordsResent, long recordsMissing, long lag, long writtenSequence, long acknowledgedSequence,
            long checkpointSequence, long outageMs, String lastError, int segmentsHeld) {

        static KafkaDescriptor of(RingKafkaShipper kafka) {
            int segmentsHeld = kafka.ring().archive().map(RingArchive::segmentsHeld).orElse(0);
            ShipperStatus status = kafka.status().orElse(null);
            if (status == null) {
                return new KafkaDescriptor(kafka.topic(), kafka.isRunning(), "new", 0, 0, 0, 0, 0, -1, -1, -1, 0, null,
                        segmentsHeld);
            }
            return new KafkaDescriptor(kafka.topic(), kafka.isRunning(), status.state().name().toLowerCase(Locale.ROOT),
                    kafka.recordsSent(), kafka.sendErrors(), status.recordsResent(), status.recordsMissing(),
                    kafka.lag(), kafka.writtenSequence(), status.acknowledgedSequence(), status.checkpointSequence(),
                    TimeUnit.NANOSECONDS.toMillis(status.outageNanos()),
                    (status.lastError() != null) ? status.lastError().getMessage() : null, segmentsHeld);
        }

    }

    /**
     * What reopening a ring's file found when the application started.
     *
     * @param records committed records not yet drained when the application last stopped,
     * drained first
     * @param bytes their payload bytes
     * @param claimsDropped claims open when it stopped, dropped
     */
    public record RecoveryDescriptor(long records, long bytes, long claimsDropped) {

        static RecoveryDescriptor of(RingBuffer.Recovery recovery) {
            return new RecoveryDescriptor(recovery.records(), recovery.bytes(), recovery.claimsDropped());
        }

    }

    /**
     * A ring's built-in archive.
     *
     * @param directory absolute path of the archive directory
     * @param open whether the drain loop has the archive open
     * @param flush the flush policy: {@code none}, {@code batch} or {@code interval}
     * @param segmentSize bytes at which a segment is sealed
     * @param segments segment files in the directory
     * @param bytesWritten bytes of chunks written since the application started
     * @param writtenSequence sequence of the last record handed to the operating system
     * (-1: none), or {@code null} before the archive was first opened
     * @param flushedSequence sequence of the last record forced to the device (-1: none),
     * or {@code null}
     * @param durablePosition ring position up to which every record is forced to the
     * device (-1: none yet, or the archive is not open)
     * @param recordsDropped records taken that the archive does not hold and no retry
     * brings back (0 unless a record is truly lost)
     * @param recordsSkipped records a reopened file-backed ring delivered again that the
     * archive already held
     * @param recoveredProblems what the last open found and kept (damage, missing
     * records) or cut (a torn tail), or {@code null} when the archive was whole
     * @param error why the archive cannot write, or {@code null} when it can
     */
    public record ArchiveDescriptor(String directory, boolean open, String flush, long segmentSize, int segments,
            long bytesWritten, Long writtenSequence, Long flushedSequence, long durablePosition, long recordsDropped,
            long recordsSkipped, List<String> recoveredProblems, String error) {

        static ArchiveDescriptor of(RingArchive archive) {
            List<String> problems = archive.recoveredProblems();
            return new ArchiveDescriptor(archive.directory().toAbsolutePath().toString(), archive.isOpen(),
                    archive.settings().flushName(), archive.settings().segmentSize(), archive.segmentCount(),
                    archive.bytesWritten(), archive.writtenSequence().orElse(null),
                    archive.flushedSequence().orElse(null), archive.durablePosition(), archive.recordsDropped(),
                    archive.recordsSkipped(), problems.isEmpty() ? null : problems, archive.failure().orElse(null));
        }
    }

    /**
     * The record at the head that is claimed but not committed.
     *
     * @param position its position
     * @param blockedForMs how long it has blocked the consumer (at least)
     * @param claimantThread the claiming thread's name when it claimed, or {@code null}
     * where unknown
     * @param claimantThreadId the claiming thread's id, -1 where unknown
     * @param claimantAlive whether the claiming thread is alive ({@code false}: it ended
     * without committing, and the claim can be unblocked)
     * @param claimantStack the live claimant's current stack, innermost frame first, or
     * {@code null} when it has ended or the JVM does not list it (a virtual thread)
     * @param claimantStackUnavailable why {@code claimantStack} is missing for a live
     * claimant, or {@code null}
     * @param stalled whether the ring is stalled on it: {@code blockedForMs} reached the
     * stall timeout, or the claimant has ended
     */
    public record BlockedClaimDescriptor(long position, long blockedForMs, String claimantThread, long claimantThreadId,
            boolean claimantAlive, List<String> claimantStack, String claimantStackUnavailable, boolean stalled) {

        static BlockedClaimDescriptor of(BlockedClaim claim, boolean stalled) {
            List<String> stack = null;
            String unavailable = null;
            if (claim.claimantAlive() && claim.claimantThreadId() >= 0) {
                stack = ClaimantStacks.of(claim.claimantThreadId());
                if (stack == null) {
                    unavailable = "thread " + claim.claimantThreadId() + " is not among the JVM's platform threads"
                            + " (a virtual thread, whose stack the JVM lists only in a thread dump: jcmd <pid>"
                            + " Thread.dump_to_file -format=json <file>)";
                }
            }
            return new BlockedClaimDescriptor(claim.position(), TimeUnit.NANOSECONDS.toMillis(claim.blockedForNanos()),
                    claim.claimantThreadName(), claim.claimantThreadId(), claim.claimantAlive(), stack, unavailable,
                    stalled);
        }

    }

}
