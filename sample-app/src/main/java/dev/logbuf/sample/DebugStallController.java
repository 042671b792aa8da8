package dev.logbuf.sample;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code POST /debug/stall/release?ring=audit} ends every hold of the ring at once,
 * before its N ms are up: a held claim is committed (a {@code die=true} thread ends
 * without committing), and the answer, {@code 200} with {@code "released": <holds>},
 * comes once that is done. So a hold can be as long as a demonstration or a test needs,
 * with N as a safety cap.
 *
 * <p>
 * A held claim is committed early when the application stops (this bean stops before the
 * drain loops), so shutdown never waits for it.
 */
@RestController
@ConditionalOnBooleanProperty(name = "sample.debug-endpoints", matchIfMissing = true)
class DebugStallController implements SmartLifecycle {

    static final long MAX_HOLD_MS = 600_000;

    private static final String STALL = "/debug/stall";

    private static final String RELEASE = "/debug/stall/release";

    private final LogbufRings rings;

    private final Set<Hold> held = ConcurrentHashMap.newKeySet();

    private volatile boolean running;

    DebugStallController(LogbufRings rings) {
        this.rings = rings;
    }

    @PostMapping("/debug/stall")
    ResponseEntity<?> stall(@RequestParam(defaultValue = "audit") String ring, @RequestParam long ms,
            @RequestParam(defaultValue = "false") boolean die) throws InterruptedException {
        if (ms < 1 || ms > MAX_HOLD_MS) {
            return problem(STALL, HttpStatus.BAD_REQUEST, "ms is " + ms + "; it must be from 1 to " + MAX_HOLD_MS);
        }
        Optional<LogbufRing> target = this.rings.find(ring);
        if (target.isEmpty()) {
            return noSuchRing(STALL, ring);
        }
        byte[] payload = ("debug stall: held up to " + ms + " ms" + (die ? ", then died" : ""))
            .getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Boolean> claimed = new CompletableFuture<>();
        Hold hold = new Hold(ring, new CountDownLatch(1), new CountDownLatch(1));
        String threadName = "debug-stall-" + ring;
        Runnable task = die ? () -> leak(target.get().producer(), payload, ms, claimed, hold)
                : () -> hold(target.get().producer(), payload, ms, claimed, hold);
        Thread holder = new Thread(task, threadName);
        holder.setDaemon(true);
        holder.start();
        boolean taken;
        try {
            taken = claimed.get(10, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            return problem(STALL, HttpStatus.INTERNAL_SERVER_ERROR, "The claim could not be taken: " + ex);
        }
        if (!taken) {
            return problem(STALL, HttpStatus.SERVICE_UNAVAILABLE, "The ring '" + ring + "' is full; no claim taken");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ring", ring);
        body.put("holdMs", ms);
        body.put("claimantThread", threadName);
        body.put("claimantThreadId", holder.getId());
        body.put("dies", die);
        return ResponseEntity.accepted().body(body);
    }

    private void hold(Producer producer, byte[] payload, long ms, CompletableFuture<Boolean> claimed, Hold hold) {
        try (WriteClaim claim = producer.tryClaim(payload.length)) {
            if (claim == null) {
                claimed.complete(false);
                return;
            }
            this.held.add(hold);
            claimed.complete(true);
            try {
                // released early by release() or stop(); otherwise the hold is the point
                // of this endpoint
                hold.release().await(ms, TimeUnit.MILLISECONDS);
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
            this.held.remove(hold);
            hold.ended().countDown();
        }
    }

    /**
     * Claims, holds the claim {@code ms} (or until it is released or the application
     * stops), then returns without committing or aborting it: the thread ends holding its
     * claim.
     */
    private void leak(Producer producer, byte[] payload, long ms, CompletableFuture<Boolean> claimed, Hold hold) {
        try {
            WriteClaim claim = producer.tryClaim(payload.length);
            if (claim == null) {
                claimed.complete(false);
                return;
            }
            claim.putBytes(0, payload, 0, payload.length);
            this.held.add(hold);
            claimed.complete(true);
            try {
                hold.release().await(ms, TimeUnit.MILLISECONDS);
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
            this.held.remove(hold);
            hold.ended().countDown();
        }
    }

    /**
     * {@code POST /debug/stall/release?ring=audit}: ends every hold of the ring now (a
     * held claim is committed, a {@code die=true} thread ends) and answers once they have
     * ended.
     */
    @PostMapping("/debug/stall/release")
    ResponseEntity<?> release(@RequestParam(defaultValue = "audit") String ring) throws InterruptedException {
        if (this.rings.find(ring).isEmpty()) {
            return noSuchRing(RELEASE, ring);
        }
        List<Hold> released = this.held.stream().filter((hold) -> hold.ring().equals(ring)).toList();
        released.forEach((hold) -> hold.release().countDown());
        for (Hold hold : released) {
            if (!hold.ended().await(10, TimeUnit.SECONDS)) {
                return problem(RELEASE, HttpStatus.INTERNAL_SERVER_ERROR,
                        "A hold of the ring '" + ring + "' did not end within 10 s of its release");
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ring", ring);
        body.put("released", released.size());
        return ResponseEntity.ok(body);
    }

    private ResponseEntity<ProblemDetail> noSuchRing(String path, String ring) {
        return problem(path, HttpStatus.NOT_FOUND, "No ring named '" + ring + "'; rings: " + this.rings.names());
    }

    private static ResponseEntity<ProblemDetail> problem(String path, HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(path));
        return ResponseEntity.status(status).body(problem);
    }

    @Override
    public void start() {
        this.running = true;
    }

    /** Commits every held claim at once, before the drain loops stop. */
    @Override
    public void stop() {
        this.held.forEach((hold) -> hold.release().countDown());
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * A claim held by a {@code debug-stall-<ring>} thread.
     *
     * @param ring the ring's name
     * @param release counted down to end the hold early
     * @param ended counted down once the thread is done with the claim (committed it, or
     * left it uncommitted with {@code die=true})
     */
    private record Hold(String ring, CountDownLatch release, CountDownLatch ended) {

    }

}
