package dev.logbuf.kafka;

import dev.logbuf.archive.ArchiveCheckpoint;
import dev.logbuf.archive.ArchiveCursor;
import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveProblem;
import dev.logbuf.archive.ArchiveRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the records of one ring's archive to a Kafka topic, at least once and in order,
 * on a thread of its own. It reads the archive's files ({@link ArchiveCursor}), never the
 * ring.
 *
 * <pre>{@code
 * KafkaShipper shipper = KafkaShipper.builder(Path.of("data/archive/audit"), "audit")
 *         .ring("audit")
 *         .producerSettings(Map.of("bootstrap.servers", "localhost:9092"))
 *         .build();
 * shipper.start();
 * ShipperStatus status = shipper.status();   // lag, last error, ... for health and metrics
 * shipper.stop(Duration.ofSeconds(10));
 * }</pre>
 *
 * <h2>At least once</h2> Every record the archive writer finished is sent, in sequence
 * order, with the ring's name as key (one partition, in order) and the headers of
 * {@link ShipperHeaders}. The producer runs with {@code acks=all}, idempotence and at
 * most 5 requests in flight ({@link ProducerSettings}). The checkpoint file
 * ({@link ArchiveCheckpoint}, {@code <archive>/kafka-<topic>.checkpoint}) moves only to
 * records the broker acknowledged, with every record before them; a restart resumes after
 * it. When a send fails (the delivery timeout passed while the broker was away, or the
 * broker refused a record), the shipper stops sending, waits for the records in flight,
 * and reads the archive again from the last acknowledged record, with a growing pause
 * between attempts: nothing is lost, and a record is sent twice only if it was in flight
 * when the failure happened ({@link ShipperStatus#recordsResent()}).
 *
 * <h2>Retention</h2> The writer's retention keeps every segment holding a record past the
 * checkpoint, over its limits if need be (see {@code docs/kafka.md}).
 *
 * <p>
 * It is above 400 lines because the send loop, the acknowledgement callback and the retry
 * from the archive share their state, and the rules that keep them from losing a record
 * are easiest to check side by side.
 */
public final class KafkaShipper implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(KafkaShipper.class);

    /** How long {@link #stop} waits beyond its timeout before interrupting the thread. */
    private static final long STOP_GRACE_MILLIS = 1000;

    /** No send failed since the last retry. */
    private static final long NONE = Long.MAX_VALUE;

    private final Path directory;

    private final String topic;

    private final String ring;

    private final byte[] key;

    private final byte[] ringHeader;

    private final Map<String, Object> producerSettings;

    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;

    private final ArchiveCheckpoint checkpoint;

    private final int maxInFlight;

    private final long checkpointIntervalNanos;

    private final long pollNanos;

    private final long minRetryNanos;

    private final long maxRetryNanos;

    private final java.util.concurrent.ThreadFactory threadFactory;

    private final Object lifecycle = new Object();

    // set by start(), then the shipper thread's
    private Producer<byte[], byte[]> producer;

    private ArchiveCursor cursor;

    private Thread thread;

    private long sentSequence = -1;

    private long highestSent = -1;

    /**
     * Records up to this one were sent before the last retry: sending them again counts.
     */
    private long resendUpTo = -1;

    /** The acknowledged record the last retry started after. */
    private long resendFloor = -1;

    /** Gaps in the sequences up to this one were counted as missing. */
    private long gapsCountedUpTo = Long.MAX_VALUE;

    private long retryNanos;

    private long retryAtNanos;

    private long lastCheckpointNanos;

    private long cachedRingId = Long.MIN_VALUE;

    private byte[] cachedRingIdHeader;

    // written by the shipper thread; each volatile write pairs with the volatile read in
    // status() or stop() on another thread
    private volatile ShipperState state = ShipperState.NEW;

    private volatile boolean stopRequested;

    /**
     * Written before {@link #stopRequested}: whether the thread first ships what the
     * archive holds ({@link #stopWhenShipped}).
     */
    private volatile boolean shipBeforeStop;

    private volatile long stopDeadlineNanos;

    private volatile long checkpointSequence = -1;

    private volatile long writtenSequence = -1;

    private volatile long recordsMissing;

    private volatile boolean drainedAll;

    /**
     * When the current wait for the broker began: the shipper thread writes it as it
     * hands a record to the producer while nothing waited (nothing in flight, nothing
     * unacknowledged). The volatile write pairs with the read in {@link #status()}, which
     * counts the outage from it or from the last acknowledgement, the later of the two.
     * Written before the send, so a send that blocks (the producer waiting for metadata
     * for {@code max.block.ms}) counts as waiting too.
     */
    private volatile long waitingSinceNanos;

    /**
     * When the broker last acknowledged a record: written by the producer's I/O thread in
     * the callback, read by {@link #status()}.
     */
    private volatile long acknowledgedNanos;

    // written by the producer's I/O thread in the send callback (and by the shipper
    // thread when a send fails before it reaches the producer); read by the shipper
    // thread and status()
    private volatile long acknowledgedSequence = -1;

    /**
     * The lowest sequence whose send failed since the last retry, {@link #NONE} when
     * none: records above it are not acknowledged (they will be sent again).
     */
    private final AtomicLong failedSequence = new AtomicLong(NONE);

    private volatile Throwable lastError;

    private final AtomicLong recordsSent = new AtomicLong();

    private final AtomicLong sendErrors = new AtomicLong();

    private final AtomicLong recordsResent = new AtomicLong();

    /** Sends handed to the producer; written by the shipper thread only. */
    private final AtomicLong sendsStarted = new AtomicLong();

    /** Sends completed (acknowledged or failed); the callback increments it. */
    private final AtomicLong sendsCompleted = new AtomicLong();

    KafkaShipper(KafkaShipperBuilder builder) {
        this.directory = builder.directory;
        this.topic = builder.topic;
        this.ring = builder.ring != null ? builder.ring : String.valueOf(builder.directory.getFileName());
        this.key = ring.getBytes(StandardCharsets.UTF_8);
        this.ringHeader = key.clone();
        this.producerSettings = ProducerSettings.of(builder.producerSettings, "logbuf-kafka-" + ring);
        this.producerFactory = builder.producerFactory;
        this.checkpoint = ArchiveCheckpoint.of(directory,
                builder.checkpointName != null ? builder.checkpointName : "kafka-" + topic);
        this.maxInFlight = builder.maxInFlight;
        this.checkpointIntervalNanos = builder.checkpointInterval.toNanos();
        this.pollNanos = builder.pollInterval.toNanos();
        this.minRetryNanos = builder.minRetry.toNanos();
        this.maxRetryNanos = builder.maxRetry.toNanos();
        this.retryNanos = minRetryNanos;
        this.threadFactory = builder.threadFactory;
    }

    /**
     * Settings for a shipper of the archive in {@code archiveDirectory} to {@code topic}.
     * @throws IllegalArgumentException when the topic is not a valid Kafka topic name
     */
    public static KafkaShipperBuilder builder(Path archiveDirectory, String topic) {
        return new KafkaShipperBuilder(archiveDirectory, topic);
    }

    /**
     * Opens the checkpoint, the archive and the producer, then starts shipping on a new
     * thread. A checkpoint file that does not exist is created at -1 (start at the oldest
     * record present), so retention holds the archive from then on.
     * @throws ArchiveException naming the archive directory when it does not exist, or
     * the checkpoint file when it is damaged or cannot be written
     * @throws org.apache.kafka.common.KafkaException when the producer settings are
     * invalid
     * @throws IllegalStateException when already started
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != ShipperState.NEW) {
                throw new IllegalStateException("the shipper of " + directory + " to " + topic + " was already"
                        + " started (" + state + "); build a new one");
            }
            if (!Files.isDirectory(directory)) {
                throw new ArchiveException(directory,
                        "archive directory " + directory
                                + (Files.exists(directory) ? " is not a directory" : " does not exist")
                                + ": ship the directory an ArchiveWriter writes to");
            }
            long saved = checkpoint.read();
            if (!checkpoint.exists()) {
                checkpoint.save(-1);
            }
            ArchiveCursor opened = ArchiveCursor.open(directory, saved < 0 ? -1 : saved + 1, this::problem);
            try {
                producer = producerFactory.apply(producerSettings);
            }
            catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            cursor = opened;
            acknowledgedSequence = saved;
            checkpointSequence = saved;
            sentSequence = saved;
            // from the oldest record present: what was deleted before is not missing
            gapsCountedUpTo = saved < 0 ? Long.MAX_VALUE : saved;
            lastCheckpointNanos = System.nanoTime();
            waitingSinceNanos = lastCheckpointNanos;
            acknowledgedNanos = lastCheckpointNanos;
            state = ShipperState.SHIPPING;
            thread = threadFactory.newThread(this::run);
            thread.setName("logbuf-kafka-" + ring);
            thread.start();
        }
    }

    /**
     * Stops shipping: sends nothing new, waits up to {@code timeout} for the records in
     * flight to be acknowledged, saves the checkpoint, closes the producer and the
     * archive. Records not acknowledged are sent again by the next start.
     * @return whether every record sent was acknowledged
     */
    public boolean stop(Duration timeout) {
        return stop(timeout, false);
    }

    /**
     * Ships what the archive holds, then stops: sends every record up to the last one the
     * archive writer finished (read when the request is seen), waits for their
     * acknowledgements, retrying as usual while the broker fails, then stops as
     * {@link #stop(Duration)} does; all of it within {@code timeout}. Call it after the
     * ring's drain stopped (the writer closed), so that the last records reach the topic
     * while the broker is up.
     * @return whether every record the archive held was acknowledged
     */
    public boolean stopWhenShipped(Duration timeout) {
        return stop(timeout, true);
    }

    private boolean stop(Duration timeout, boolean shipFirst) {
        Objects.requireNonNull(timeout, "timeout");
        synchronized (lifecycle) {
            Thread t = thread;
            if (t == null) {
                if (state == ShipperState.NEW) {
                    state = ShipperState.STOPPED;
                }
                return drainedAll;
            }
            stopDeadlineNanos = System.nanoTime() + Math.max(0, timeout.toNanos());
            shipBeforeStop = shipFirst;
            // volatile write, after the two above: pairs with the read at the top of
            // every turn, which then sees them
            stopRequested = true;
            LockSupport.unpark(t);
            try {
                t.join(timeout.toMillis() + STOP_GRACE_MILLIS);
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(STOP_GRACE_MILLIS);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
            return drainedAll;
        }
    }

    /** {@link #stop(Duration) stop} with 10 seconds for the records in flight. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** A snapshot of the shipper's state and counters. Any thread. */
    public ShipperStatus status() {
        ShipperState now = state;
        long acknowledged = acknowledgedSequence;
        long written = writtenSequence;
        long outage = 0;
        if ((now == ShipperState.SHIPPING || now == ShipperState.RETRYING)
                && (inFlight() > 0 || written > acknowledged)) {
            long waitingSince = waitingSinceNanos;
            long lastAcknowledged = acknowledgedNanos;
            long since = (lastAcknowledged - waitingSince > 0) ? lastAcknowledged : waitingSince;
            outage = Math.max(0, System.nanoTime() - since);
        }
        return new ShipperStatus(now, recordsSent.get(), sendErrors.get(), recordsResent.get(), recordsMissing, written,
                acknowledged, checkpointSequence, lastError, outage);
    }

    public String topic() {
        return topic;
    }

    /** The ring name: the records' key and {@link ShipperHeaders#RING} header. */
    public String ring() {
        return ring;
    }

    /** The archive directory shipped. */
    public Path directory() {
        return directory;
    }

    /** The checkpoint that holds the last acknowledged record. */
    public ArchiveCheckpoint checkpoint() {
        return checkpoint;
    }

    /** The producer settings in effect (the user's, checked and completed). */
    public Map<String, Object> producerSettings() {
        return Map.copyOf(producerSettings);
    }

    private void run() {
        try {
            while (!stopRequested || (shipBeforeStop && System.nanoTime() - stopDeadlineNanos < 0)) {
                int work = turn();
                if (stopRequested && work == 0 && failedSequence.get() == NONE && inFlight() == 0
                        && acknowledgedSequence >= writtenSequence) {
                    // a turn without work read archive.head again (the cursor found
                    // nothing new): every record the archive holds is acknowledged
                    break;
                }
                if (work == 0) {
                    LockSupport.parkNanos(this, pollNanos);
                }
            }
            finish();
        }
        catch (Throwable e) {
            lastError = e;
            state = ShipperState.FAILED;
            logger.error("Shipping {} to Kafka topic {} stopped: {}", directory, topic, e.toString(), e);
            closeQuietly();
            if (e instanceof VirtualMachineError error) {
                throw error;
            }
        }
    }

    /** One turn of the loop: retry, send, checkpoint. @return work done */
    private int turn() {
        long now = System.nanoTime();
        int work;
        if (failedSequence.get() != NONE) {
            work = retry(now);
        }
        else {
            work = send();
            if (state == ShipperState.RETRYING && acknowledgedSequence > resendFloor) {
                state = ShipperState.SHIPPING;
                retryNanos = minRetryNanos;
                lastError = null;
                logger.info("Shipping {} to Kafka topic {} again: acknowledged up to record {}", directory, topic,
                        acknowledgedSequence);
            }
        }
        // never back: the new cursor of a retry says -1 until it has read archive.head
        // (the lag read 0 meanwhile)
        long written = cursor.writtenSequence();
        if (written > writtenSequence) {
            writtenSequence = written;
        }
        if (saveCheckpoint(now, false)) {
            work++;
        }
        return work;
    }

    /** Hands records of the archive to the producer while fewer than the limit fly. */
    private int send() {
        int sent = 0;
        while (inFlight() < maxInFlight && failedSequence.get() == NONE) {
            ArchiveRecord record;
            try {
                record = cursor.next();
            }
            catch (ArchiveException e) {
                // the archive cannot be read now: read it again from the last
                // acknowledged
                // record after a pause
                lastError = e;
                failedSequence.accumulateAndGet(sentSequence + 1, Math::min);
                break;
            }
            if (record == null) {
                break;
            }
            countGap(record.sequence());
            send(record);
            sent++;
        }
        return sent;
    }

    /**
     * Records between the last one sent and {@code sequence} are gone from the archive;
     * each gap is counted once, also when a retry reads it again.
     */
    private void countGap(long sequence) {
        if (gapsCountedUpTo == Long.MAX_VALUE) {
            gapsCountedUpTo = sequence; // the first record after a start at the oldest
            return;
        }
        long from = Math.max(sentSequence, gapsCountedUpTo) + 1;
        if (sequence > from) {
            recordsMissing += sequence - from;
        }
        gapsCountedUpTo = Math.max(gapsCountedUpTo, sequence);
    }

    private void send(ArchiveRecord record) {
        long sequence = record.sequence();
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(ShipperHeaders.RING, ringHeader));
        headers.add(new RecordHeader(ShipperHeaders.RING_ID, ringIdHeader(record.ringId())));
        headers.add(new RecordHeader(ShipperHeaders.SEQUENCE, ascii(Long.toString(sequence))));
        if (record.ringPosition() >= 0) {
            headers.add(new RecordHeader(ShipperHeaders.POSITION, ascii(Long.toString(record.ringPosition()))));
        }
        ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, null, null, key, record.toByteArray(),
                headers);
        if (inFlight() == 0 && acknowledgedSequence >= writtenSequence && failedSequence.get() == NONE) {
            // nothing waited: a wait for the broker begins with this record
            waitingSinceNanos = System.nanoTime();
        }
        sendsStarted.incrementAndGet();
        try {
            producer.send(message, new Acknowledgement(sequence));
        }
        catch (RuntimeException e) {
            // not handed to the producer (closed, interrupted, a full buffer for
            // max.block.ms): nothing of it is in flight
            failed(sequence, e);
            sendsCompleted.incrementAndGet();
            return;
        }
        sentSequence = sequence;
        if (sequence <= resendUpTo) {
            recordsResent.incrementAndGet();
        }
        highestSent = Math.max(highestSent, sequence);
    }

    /**
     * After a failed send: once nothing is in flight and the pause has passed, a new
     * producer and a new cursor from the last acknowledged record.
     */
    private int retry(long now) {
        if (state != ShipperState.RETRYING) {
            state = ShipperState.RETRYING;
            retryAtNanos = now + retryNanos;
            logger.warn(
                    "Shipping {} to Kafka topic {} failed at record {} (acknowledged up to {}): {}; sending"
                            + " again from the archive",
                    directory, topic, failedSequence.get(), acknowledgedSequence, String.valueOf(lastError));
        }
        if (inFlight() > 0 || now - retryAtNanos < 0) {
            return 0; // the records in flight complete (or fail) within the delivery
                      // timeout
        }
        long from = acknowledgedSequence;
        closeProducer(Duration.ZERO);
        cursor.close();
        producer = producerFactory.apply(producerSettings);
        cursor = ArchiveCursor.open(directory, from < 0 ? -1 : from + 1, this::problem);
        resendUpTo = highestSent;
        resendFloor = from;
        sentSequence = from;
        retryNanos = Math.min(maxRetryNanos, retryNanos * 2);
        retryAtNanos = now + retryNanos;
        // after the new producer and cursor are set: the callbacks of the closed producer
        // have all completed (nothing was in flight)
        failedSequence.set(NONE);
        return 1;
    }

    /**
     * Saves the acknowledged record when it moved and the interval has passed, or when
     * {@code force}.
     * @return whether it saved
     */
    private boolean saveCheckpoint(long now, boolean force) {
        long acknowledged = acknowledgedSequence;
        if (acknowledged <= checkpointSequence
                || (!force && now - lastCheckpointNanos < checkpointIntervalNanos && inFlight() > 0)) {
            return false;
        }
        lastCheckpointNanos = now;
        try {
            checkpoint.save(acknowledged);
        }
        catch (ArchiveException e) {
            lastError = e;
            logger.warn("Cannot save the Kafka shipping checkpoint {}: {}", checkpoint.file(), e.getMessage());
            return false;
        }
        checkpointSequence = acknowledged;
        return true;
    }

    /** Stop: wait for what flies, save the checkpoint, close. */
    private void finish() {
        while (inFlight() > 0 && System.nanoTime() - stopDeadlineNanos < 0) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        drainedAll = inFlight() == 0 && failedSequence.get() == NONE;
        saveCheckpoint(System.nanoTime(), true);
        closeQuietly();
        state = ShipperState.STOPPED;
    }

    private void closeQuietly() {
        long left = Math.max(0, stopDeadlineNanos - System.nanoTime());
        closeProducer(Duration.ofNanos(left));
        if (cursor != null) {
            cursor.close();
        }
    }

    private void closeProducer(Duration timeout) {
        if (producer == null) {
            return;
        }
        try {
            producer.close(timeout);
        }
        catch (RuntimeException e) {
            logger.debug("Closing the Kafka producer of {} failed", directory, e);
        }
        producer = null;
    }

    private long inFlight() {
        // completed before started: a callback's increment is never missed
        long completed = sendsCompleted.get();
        return sendsStarted.get() - completed;
    }

    private void failed(long sequence, Throwable error) {
        sendErrors.incrementAndGet();
        lastError = new KafkaShippingException(
                "sending record " + sequence + " of " + directory + " to topic " + topic + " failed: " + error, error);
        failedSequence.accumulateAndGet(sequence, Math::min);
    }

    private void problem(ArchiveProblem problem) {
        logger.error("Shipping {} to Kafka topic {}: {}", directory, topic, problem);
    }

    private byte[] ringIdHeader(long ringId) {
        if (ringId != cachedRingId) {
            cachedRingId = ringId;
            cachedRingIdHeader = ascii(String.format("%016x", ringId));
        }
        return cachedRingIdHeader;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The producer's answer for one record, on the producer's I/O thread (or, for a
     * record the producer refuses at once, on the shipper thread inside {@code send}).
     * Answers from the I/O thread for one partition come in send order, so the
     * acknowledged sequence moves forward one record at a time; it never passes a record
     * whose send failed, until the retry.
     */
    private final class Acknowledgement implements Callback {

        private final long sequence;

        Acknowledgement(long sequence) {
            this.sequence = sequence;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                // volatile write: pairs with the read in status()
                acknowledgedNanos = System.nanoTime();
                recordsSent.incrementAndGet();
                if (sequence < failedSequence.get() && sequence > acknowledgedSequence) {
                    // volatile write: pairs with the read in saveCheckpoint() and
                    // status()
                    acknowledgedSequence = sequence;
                }
            }
            else {
                failed(sequence, exception);
            }
            // after the sequence: the shipper thread that sees nothing in flight also
            // sees the last acknowledgement
            sendsCompleted.incrementAndGet();
        }

    }

}
