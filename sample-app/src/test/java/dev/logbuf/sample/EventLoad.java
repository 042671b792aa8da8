package dev.logbuf.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Several HTTP clients posting sequenced events to the sample's {@code POST /events}, one
 * thread each, every event {@code "<run> c=<client> s=<sequence>"}. A client sends one
 * event at a time and moves to the next sequence once the outcome of the last one is
 * known or unknowable:
 * <ul>
 * <li>{@code 202}: acknowledged; kept in {@link #acknowledged(int)};</li>
 * <li>{@code 503} with {@code "accepted":false} (ring full): not stored, sent again with
 * the same sequence once {@link #ringFullGate()} is open (the test decides when retrying
 * makes sense, so that no client spins on a full ring);</li>
 * <li>{@code 503} with {@code "accepted":true} (not durable in time) and a failed
 * connection (the app was killed): the event may or may not be stored; the client moves
 * on to the next sequence, and after a failed connection waits for the next
 * {@link #restarted(int)}.</li>
 * </ul>
 * So every acknowledged event has a distinct (client, sequence), and a duplicate in the
 * archive is the archive's fault.
 */
final class EventLoad implements AutoCloseable {

    private final String run;

    private final boolean durable;

    private final Duration requestTimeout;

    private final List<Client> clients = new ArrayList<>();

    private final AtomicLong acknowledged = new AtomicLong();

    private final AtomicLong ringFull = new AtomicLong();

    private final AtomicLong notDurable = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    private final Object monitor = new Object();

    /** Guarded by monitor: the app's port and how often it was (re)started. */
    private int port;

    private int generation;

    private volatile boolean stopped;

    private volatile CountDownLatch ringFullGate = new CountDownLatch(0);

    /**
     * @param run a unique prefix of this load's events
     * @param clients how many clients
     * @param port the app's port now
     * @param durable whether to post with {@code ?durable=true}
     */
    EventLoad(String run, int clients, int port, boolean durable) {
        this(run, clients, port, durable, Duration.ofSeconds(30));
    }

    /**
     * @param run a unique prefix of this load's events
     * @param clients how many clients
     * @param port the app's port now
     * @param durable whether to post with {@code ?durable=true}
     * @param requestTimeout how long a request may take before it counts as a failed
     * connection (30s by default): longer than the app's {@code sample.durable-timeout}
     * for a slow force to be a {@code 503}
     */
    EventLoad(String run, int clients, int port, boolean durable, Duration requestTimeout) {
        this.run = run;
        this.durable = durable;
        this.requestTimeout = requestTimeout;
        this.port = port;
        for (int c = 0; c < clients; c++) {
            this.clients.add(new Client(c));
        }
    }

    void start() {
        this.clients.forEach((client) -> client.thread.start());
    }

    /**
     * The app was started again (on {@code port}): clients whose connection failed go on.
     * @param port its port
     */
    void restarted(int port) {
        synchronized (this.monitor) {
            this.port = port;
            this.generation++;
            this.monitor.notifyAll();
        }
    }

    /**
     * From now on a client that finds the ring full waits until
     * {@link #openRingFullGate}.
     */
    void closeRingFullGate() {
        this.ringFullGate = new CountDownLatch(1);
    }

    void openRingFullGate() {
        this.ringFullGate.countDown();
    }

    /**
     * Clients waiting at the closed ring-full gate.
     * @return how many
     */
    int waitingAtRingFullGate() {
        return (int) this.clients.stream().filter((client) -> client.waitingAtGate).count();
    }

    /** Stops every client after its current request and waits for them. */
    @Override
    public void close() throws InterruptedException {
        this.stopped = true;
        openRingFullGate();
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
        for (Client client : this.clients) {
            client.thread.join(Duration.ofSeconds(60).toMillis());
        }
        for (Client client : this.clients) {
            if (client.error != null) {
                throw new AssertionError("client " + client.id + " failed", client.error);
            }
        }
    }

    String run() {
        return this.run;
    }

    int clients() {
        return this.clients.size();
    }

    /** Events answered 202 so far. */
    long acknowledgedCount() {
        return this.acknowledged.get();
    }

    /** {@code 503}s for a full ring so far. */
    long ringFullCount() {
        return this.ringFull.get();
    }

    /** {@code 503}s for an event not durable in time so far. */
    long notDurableCount() {
        return this.notDurable.get();
    }

    /** Requests whose connection failed so far. */
    long failedCount() {
        return this.failed.get();
    }

    /** The sequences of client {@code c} answered 202. */
    ConcurrentSkipListSet<Long> acknowledged(int c) {
        return this.clients.get(c).acknowledged;
    }

    private final class Client implements Runnable {

        final int id;

        final Thread thread;

        final ConcurrentSkipListSet<Long> acknowledged = new ConcurrentSkipListSet<>();

        volatile boolean waitingAtGate;

        volatile Throwable error;

        private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

        Client(int id) {
            this.id = id;
            this.thread = new Thread(this, "event-load-" + id);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                long sequence = 0;
                while (!EventLoad.this.stopped) {
                    int port;
                    int generation;
                    synchronized (EventLoad.this.monitor) {
                        port = EventLoad.this.port;
                        generation = EventLoad.this.generation;
                    }
                    byte[] body = (EventLoad.this.run + " c=" + this.id + " s=" + sequence)
                        .getBytes(StandardCharsets.US_ASCII);
                    HttpResponse<String> response;
                    try {
                        response = this.http.send(request(port, body), HttpResponse.BodyHandlers.ofString());
                    }
                    catch (IOException ex) {
                        // the app is gone: the event may be in its ring or not
                        EventLoad.this.failed.incrementAndGet();
                        sequence++;
                        awaitRestart(generation);
                        continue;
                    }
                    int status = response.statusCode();
                    if (status == 202) {
                        this.acknowledged.add(sequence);
                        EventLoad.this.acknowledged.incrementAndGet();
                        sequence++;
                    }
                    else if (status == 503 && response.body().contains("\"accepted\":false")) {
                        EventLoad.this.ringFull.incrementAndGet();
                        this.waitingAtGate = true;
                        EventLoad.this.ringFullGate.await();
                        this.waitingAtGate = false;
                    }
                    else if (status == 503 && response.body().contains("\"accepted\":true")) {
                        EventLoad.this.notDurable.incrementAndGet();
                        sequence++;
                    }
                    else {
                        throw new AssertionError("unexpected answer " + status + ": " + response.body());
                    }
                }
            }
            catch (Throwable ex) {
                this.error = ex;
            }
        }

        private HttpRequest request(int port, byte[] body) {
            return HttpRequest
                .newBuilder(URI
                    .create("http://127.0.0.1:" + port + "/events" + (EventLoad.this.durable ? "?durable=true" : "")))
                .header("Content-Type", "application/octet-stream")
                .timeout(EventLoad.this.requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        }

        private void awaitRestart(int generation) throws InterruptedException {
            synchronized (EventLoad.this.monitor) {
                while (EventLoad.this.generation == generation && !EventLoad.this.stopped) {
                    EventLoad.this.monitor.wait();
                }
            }
        }

    }

}
