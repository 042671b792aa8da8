package dev.logbuf.sample.docs;

import java.io.IOException;
import java.io.InputStream;

import dev.logbuf.Producer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The controller example of docs/starter.md ("Write from a controller"), copied as it is
 * apart from its package, so that the sample's tests show it works as documented.
 */
@RestController
class AuditController {

    private final Producer audit;

    AuditController(@Qualifier("audit") Producer audit) {
        this.audit = audit;
    }

    /** The raw request body, exactly as sent, is one record. */
    @PostMapping("/audit")
    ResponseEntity<String> record(InputStream body) throws IOException {
        int max = this.audit.maxRecordLength();
        // at most one byte more than a record may hold: an oversized body is a 400,
        // never an IllegalArgumentException (a 500) from offer()
        byte[] event = body.readNBytes(max + 1);
        if (event.length == 0 || event.length > max) {
            return ResponseEntity.badRequest().body("An event has 1 to " + max + " bytes");
        }
        if (!this.audit.offer(event)) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .body("The audit ring is full; retry");
        }
        return ResponseEntity.accepted().build();
    }

}
