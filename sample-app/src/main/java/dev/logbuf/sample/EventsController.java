package dev.logbuf.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import dev.logbuf.Producer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events}: the request body, any bytes, becomes one record of the
 * {@code audit} ring. {@code 202} when the ring took it, {@code 503} (with
 * {@code Retry-After}) when the ring is full, {@code 400} for an empty body or one longer
 * than the ring's largest record.
 */
@RestController
class EventsController {

    private final Producer audit;

    EventsController(@Qualifier("audit") Producer audit) {
        this.audit = audit;
    }

    /**
     * Reads the raw request body (an {@code InputStream}, not a {@code byte[]} body, so
     * that a form-encoded POST is archived exactly as sent rather than re-encoded from
     * its parsed parameters), at most one byte more than the ring's largest record.
     */
    @PostMapping("/events")
    ResponseEntity<?> post(@RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
            InputStream in) throws IOException {
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
        if (!this.audit.offer(body)) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problemDetail(HttpStatus.SERVICE_UNAVAILABLE, "The audit ring is full (" + this.audit.capacity()
                        + " bytes); the event was not stored, retry later"));
        }
        return ResponseEntity.accepted().build();
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
