package dev.logbuf.sample;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.logbuf.Producer;
import dev.logbuf.WriteClaim;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /debug/stall?ring=audit&ms=N}: a thread named {@code debug-stall-<ring>}
 * claims a record on the ring and holds it for N ms before committing it, so the ring's
 * health turns {@code DOWN} once N exceeds its {@code stall-timeout}, and records offered
 * meanwhile wait behind it. Answers {@code 202} once the claim is taken. On with
 * {@code sample.debug-endpoints} (default true).
 *
 * <p>
 * {@code die=true}: the thread holds the claim N ms and then ends without committing or
 * aborting it, as a producer that dies holding its claim: health turns {@code DOWN} with
 * {@code claimantAlive=false}, and the drain loop unblocks the claim once it has blocked
 * the ring for {@code stall-timeout} (that record is lost; those behind it drain).
 *
 * <p>
 * A held claim is committed early when the application stops (this bean stops before the
 * drain loops), so shutdown never waits for it.
 */
@RestController
@ConditionalOnBooleanProperty(name = "sample.debug-endpoints", matchIfMissing = true)
class DebugStallController implements SmartLifecycle {

    static final long MAX_HOLD_MS = 600_000;

    private final LogbufRings rings;

    private final Set<CountDownLatch> held = ConcurrentHashMap.newKeySet();

    private volatile boolean running;

    DebugStallController(LogbufRings rings) {
        this.rings = rings;
    }

    @PostMapping("/debug/stall")
    ResponseEntity<?> stall(@RequestParam(defaultValue = "audit") String ring, @RequestParam long ms,
            @RequestParam(defaultValue = "false") boolean die) throws InterruptedException {
        if (ms < 1 || ms > MAX_HOLD_MS) {
            return problem(HttpStatus.BAD_REQUEST, "ms is " + ms + "; it must be from 1 to " + MAX_HOLD_MS);
        }
        Optional<LogbufRing> target = this.rings.find(ring);
        if (target.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "No ring named '" + ring + "'; rings: " + this.rings.names());
        }
        byte[] payload = ("debug stall: held " + ms + " ms" + (die ? ", then died" : ""))
            .getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Boolean> claimed = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        String threadName = "debug-stall-" + ring;
        Runnable task = die ? () -> leak(target.get().producer(), payload, ms, claimed, release)
                : () -> hold(target.get().producer(), payload, ms, claimed, release);
        Thread holder = new Thread(task, threadName);
        holder.setDaemon(true);
        holder.start();
        boolean taken;
        try {
            taken = claimed.get(10, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            return problem(HttpStatus.INTERNAL_SERVER_ERROR, "The claim could not be taken: " + ex);
        }
        if (!taken) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "The ring '" + ring + "' is full; no claim taken");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ring", ring);
        body.put("holdMs", ms);
        body.put("claimantThread", threadName);
        body.put("claimantThreadId", holder.getId());
        body.put("dies", die);
        return ResponseEntity.accepted().body(body);
    }

    private void hold(Producer producer, byte[] payload, long ms, CompletableFuture<Boolean> claimed,
            CountDownLatch release) {
        try (WriteClaim claim = producer.tryClaim(payload.length)) {
            if (claim == null) {
                claimed.complete(false);
                return;
            }
            this.held.add(release);
            claimed.complete(true);
            try {
                // released early by stop(); otherwise the hold is the point of this
                // endpoint
                release.await(ms, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            claim.putBytes(0, payload, 0, payload.length).commit();
        }
        catch (RuntimeException ex) {
            claimed.completeExceptionally(ex);
        }
        finally {
            this.held.remove(release);
        }
    }

    /**
     * Claims, holds the claim {@code ms} (or until the application stops), then returns
     * without committing or aborting it: the thread ends holding its claim.
     */
    private void leak(Producer producer, byte[] payload, long ms, CompletableFuture<Boolean> claimed,
            CountDownLatch release) {
        try {
            WriteClaim claim = producer.tryClaim(payload.length);
            if (claim == null) {
                claimed.complete(false);
                return;
            }
            claim.putBytes(0, payload, 0, payload.length);
            this.held.add(release);
            claimed.complete(true);
            try {
                release.await(ms, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            // no commit, no abort: that is the point of die=true
        }
        catch (RuntimeException ex) {
            claimed.completeExceptionally(ex);
        }
        finally {
            this.held.remove(release);
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create("/debug/stall"));
        return ResponseEntity.status(status).body(problem);
    }

    @Override
    public void start() {
        this.running = true;
    }

    /** Commits every held claim at once, before the drain loops stop. */
    @Override
    public void stop() {
        this.held.forEach(CountDownLatch::countDown);
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

}
