package dev.logbuf.sample;

import java.net.URI;

import dev.logbuf.Producer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events}: the request body, any bytes, becomes one record of the
 * {@code audit} ring. {@code 202} when the ring took it, {@code 503} (with
 * {@code Retry-After}) when the ring is full, {@code 400} for an empty body or
 * one longer than the ring's largest record.
 */
@RestController
class EventsController {

    private final Producer audit;

    EventsController(@Qualifier("audit") Producer audit) {
        this.audit = audit;
    }

    @PostMapping("/events")
    ResponseEntity<?> post(@RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
            @RequestBody(required = false) byte[] body) {
        int max = this.audit.maxRecordLength();
        if (contentLength != null && contentLength > max) {
            return problem(HttpStatus.BAD_REQUEST, "The body has " + contentLength
                    + " bytes; an event must have 1 to " + max + " bytes (the audit ring's largest record)");
        }
        int length = (body != null) ? body.length : 0;
        if (length < 1 || length > max) {
            return problem(HttpStatus.BAD_REQUEST, "The body has " + length + " bytes; an event must have 1 to " + max
                    + " bytes (the audit ring's largest record)");
        }
        if (!this.audit.offer(body)) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problemDetail(HttpStatus.SERVICE_UNAVAILABLE, "The audit ring is full ("
                        + this.audit.capacity() + " bytes); the event was not stored, retry later"));
        }
        return ResponseEntity.accepted().build();
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
