package dev.logbuf.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.archive.ArchiveException;
import dev.logbuf.spring.boot.LogbufRings;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code POST /events}: the request body, any bytes, becomes one record of the
 * {@code audit} ring. What each answer guarantees is written in {@code docs/starter.md}
 * ("The sample app"):
 * <ul>
 * <li>{@code 202}: the ring took the event (the audit ring lives in a file, so it
 * survives a crash of the app; it is on disk once its batch is archived);</li>
 * <li>{@code 202} with {@code ?durable=true}: the event is in the archive and forced to
 * the device; concurrent requests share one force (group commit);</li>
 * <li>{@code 503} with {@code "accepted": false}: the ring is full, the event was not
 * stored (retry after {@code Retry-After});</li>
 * <li>{@code 503} with {@code "accepted": true} ({@code durable=true} only): the event is
 * in the ring but was not forced to disk within {@code sample.durable-timeout}; it stays
 * in the ring and is archived later (sending it again stores it twice);</li>
 * <li>{@code 400}: an empty body, one longer than the ring's largest record, or a
 * {@code durable} that is neither {@code true} nor {@code false}.</li>
 * </ul>
 */
@RestController
class EventsController {

    private static final String RING = "audit";

    private final Producer audit;

    private final LogbufRings rings;

    private final Duration durableTimeout;

    EventsController(@Qualifier(RING) Producer audit, LogbufRings rings, SampleProperties properties) {
        this.audit = audit;
        this.rings = rings;
        this.durableTimeout = properties.durableTimeout();
    }

    /**
     * Reads the raw request body (an {@code InputStream}, not a {@code byte[]} body, so
     * that a form-encoded POST is archived exactly as sent rather than re-encoded from
     * its parsed parameters), at most one byte more than the ring's largest record.
     */
    @PostMapping("/events")
    ResponseEntity<?> post(@RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
            HttpServletRequest request, InputStream in) throws IOException {
        // from the query string only: request parameters would parse (and consume) a
        // form-encoded body, which is the event
        String durable = (request.getQueryString() != null) ? UriComponentsBuilder.newInstance()
            .query(request.getQueryString())
            .build()
            .getQueryParams()
            .getFirst("durable") : null;
        boolean waitForDisk;
        if (durable == null || durable.equalsIgnoreCase("false")) {
            waitForDisk = false;
        }
        else if (durable.equalsIgnoreCase("true")) {
            waitForDisk = true;
        }
        else {
            return problem(HttpStatus.BAD_REQUEST, "durable is '" + durable
                    + "'; it must be true (answer once the event is on disk) or false (once it is in the ring)");
        }
        int max = this.audit.maxRecordLength();
        if (contentLength != null && contentLength > max) {
            return badLength(Long.toString(contentLength), max);
        }
        byte[] body = in.readNBytes(max + 1);
        if (body.length > max) {
            return badLength("more than " + max, max);
        }
        if (body.length == 0) {
            return badLength("0", max);
        }
        if (!waitForDisk) {
            return this.audit.offer(body) ? ResponseEntity.accepted().build() : ringFull();
        }
        long position;
        try (WriteClaim claim = this.audit.tryClaim(body.length)) {
            if (claim == null) {
                return ringFull();
            }
            claim.putBytes(0, body, 0, body.length);
            position = claim.position();
            claim.commit();
        }
        return awaitDisk(position);
    }

    private ResponseEntity<?> awaitDisk(long position) {
        String reason;
        try {
            if (this.rings.awaitDurable(RING, position, this.durableTimeout)) {
                return ResponseEntity.accepted().build();
            }
            reason = "was not forced to disk within " + format(this.durableTimeout) + " (sample.durable-timeout)";
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            reason = "could not be confirmed on disk: the request was interrupted";
        }
        catch (ArchiveException | IllegalStateException ex) {
            // the archive is closing (the app stops) or not open
            reason = "could not be confirmed on disk: " + ex.getMessage();
        }
        ProblemDetail problem = problemDetail(HttpStatus.SERVICE_UNAVAILABLE, "The event is in the audit ring but "
                + reason + "; it stays in the ring and is archived later. Sending it again stores it twice.");
        problem.setProperty("accepted", true);
        problem.setProperty("durable", false);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
    }

    private static String format(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
    }

    private ResponseEntity<ProblemDetail> ringFull() {
        ProblemDetail problem = problemDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The audit ring is full (" + this.audit.capacity() + " bytes); the event was not stored, retry later");
        problem.setProperty("accepted", false);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    private static ResponseEntity<ProblemDetail> badLength(String length, int max) {
        return problem(HttpStatus.BAD_REQUEST, "The body has " + length + " bytes; an event must have 1 to " + max
                + " bytes (the audit ring's largest record)");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(problemDetail(status, detail));
    }

    private static ProblemDetail problemDetail(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create("/events"));
        return problem;
    }

}
