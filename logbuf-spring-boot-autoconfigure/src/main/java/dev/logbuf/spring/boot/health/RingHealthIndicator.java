package dev.logbuf.spring.boot.health;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.logbuf.BlockedClaim;
import dev.logbuf.spring.boot.LogbufRing;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of one ring ({@code /actuator/health/logbuf/<name>}): {@code DOWN} while the
 * ring is stalled (the record at the head has stayed claimed for at least the ring's
 * {@code stall-timeout}, or its claiming thread has ended without committing it), or
 * while its drain loop is not running although the application is; {@code UP} otherwise,
 * again by itself once the claim is committed, aborted or unblocked, or the loop is
 * started.
 *
 * <p>
 * Details always: {@code type}, {@code capacity}, {@code usedBytes},
 * {@code producerPosition}, {@code consumerPosition}, {@code drainRunning}; when stalled
 * also {@code stalledForMs}, {@code stalledAtPosition}, {@code claimantThreadId} (-1
 * where no claimant is known), {@code claimantAlive} ({@code false} once the claiming
 * thread has ended: the drain loop then unblocks the claim, unless
 * {@code unblock-dead-claims=false}) and, where the ring knows it, {@code claimantThread}
 * (its name when it claimed). A file-backed ring also shows its {@code file}.
 *
 * <p>
 * A ring with a built-in archive also shows {@code archiveDirectory} and
 * {@code archiveSegments}, and is {@code DOWN} with {@code archiveError} while its
 * archive cannot write: from a failed write until a later write succeeds, or while the
 * archive directory is gone or no longer a directory.
 *
 * <p>
 * A ring that ships its archive to Kafka ({@code kafka.topic}) adds {@code kafka}: its
 * {@code topic}, {@code state}, {@code lag}, {@code acknowledgedSequence},
 * {@code checkpointSequence}, {@code segmentsHeld} and, while they apply,
 * {@code outageMs} and {@code lastError}. It is {@code DOWN} when records have waited for
 * {@code kafka.outage-timeout} without any acknowledgement (the broker away, or refusing
 * a record), when the shipper failed for good, and when it is not running while the
 * application is; never by lag alone.
 *
 * <p>
 * A ring drained outside the starter (the logging ring) adds that drain's details
 * ({@code logging}) and is {@code DOWN} while its output is stalled or failing.
 */
public class RingHealthIndicator implements HealthIndicator {

    private final LogbufRing ring;

    private final BooleanSupplier applicationRunning;

    /**
     * @param ring the ring
     * @param applicationRunning whether the application context is running (a drain loop
     * that is not running counts as DOWN only then)
     */
    public RingHealthIndicator(LogbufRing ring, BooleanSupplier applicationRunning) {
        this.ring = ring;
        this.applicationRunning = applicationRunning;
    }

    @Override
    public Health health() {
        boolean drainRunning = this.ring.drainRunning();
        Health.Builder builder = Health.up()
            .withDetail("type", this.ring.type().name().toLowerCase(Locale.ROOT))
            .withDetail("capacity", this.ring.capacity())
            .withDetail("usedBytes", this.ring.usedBytes())
            .withDetail("producerPosition", this.ring.producerPosition())
            .withDetail("consumerPosition", this.ring.consumerPosition())
            .withDetail("drainRunning", drainRunning);
        Optional<BlockedClaim> stalled = this.ring.stalledClaim();
        if (stalled.isPresent()) {
            BlockedClaim claim = stalled.get();
            builder.down()
                .withDetail("stalledForMs", TimeUnit.NANOSECONDS.toMillis(claim.blockedForNanos()))
                .withDetail("stalledAtPosition", claim.position());
            if (claim.claimantThreadName() != null) {
                builder.withDetail("claimantThread", claim.claimantThreadName());
            }
            builder.withDetail("claimantThreadId", claim.claimantThreadId())
                .withDetail("claimantAlive", claim.claimantAlive());
        }
        this.ring.file().ifPresent((file) -> builder.withDetail("file", file.toAbsolutePath().toString()));
        this.ring.archive().ifPresent((archive) -> {
            builder.withDetail("archiveDirectory", archive.directory().toAbsolutePath().toString())
                .withDetail("archiveSegments", archive.segmentCount());
            archive.failure().ifPresent((error) -> builder.down().withDetail("archiveError", error));
        });
        this.ring.kafka().ifPresent((kafka) -> {
            builder.withDetail("kafka", kafka.details());
            if (!kafka.isHealthy(this.applicationRunning.getAsBoolean())) {
                builder.down();
            }
        });
        this.ring.externalDrain().ifPresent((drain) -> {
            builder.withDetails(drain.details());
            if (!drain.isHealthy()) {
                builder.down();
            }
        });
        if (this.ring.drainEnabled() && !drainRunning && this.applicationRunning.getAsBoolean()) {
            builder.down();
        }
        return builder.build();
    }

}
