package dev.logbuf.stress.soak;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.ReadClaim;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.channel.ChannelClosedException;
import dev.logbuf.channel.Receiver;
import dev.logbuf.channel.RingChannel;
import dev.logbuf.channel.Sender;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One soak round: a ring (or channel) of a random kind and size, some producers writing
 * checksummed records of random length through every producer API, aborting a share of
 * their claims, and one consumer verifying every record against what each producer must
 * have sent next.
 *
 * <p>
 * The round passes when every committed record arrived exactly once, whole and in each
 * producer's order, nothing aborted surfaced, and in the end the consumer position has
 * caught up with the producer position and no stall is reported (for channels: the
 * receiver saw the close only after the last record). A round that does not finish within
 * {@link #SETTLE} after its producers stopped fails as stuck.
 */
final class SoakRound {

    enum Kind {

        SPSC, MPSC, CHANNEL_SPSC, CHANNEL_MPSC

    }

    /** How long the end of a round may take once the producers are told to stop. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    private static final Duration CHANNEL_WAIT = Duration.ofSeconds(10);

    /**
     * Diagnostic switch, {@code -Dlogbuf.soak.read=tryRead|drain|mixed} (default mixed):
     * which consumer API the ring rounds use, to tell a bug in one path from the other.
     */
    private static final String READ_API = System.getProperty("logbuf.soak.read", "mixed");

    /**
     * Where a ring's bytes live: {@code spsc(int)}/{@code mpsc(int)}, or caller-owned
     * heap or direct memory.
     */
    enum Memory {

        OWN, HEAP_BUFFER, DIRECT_BUFFER

    }

    record Config(int number, Kind kind, Memory memory, int capacity, int producers, int minLength, int maxLength,
            double abortRate, long millis, long seed) {
        @Override
        public String toString() {
            return String.format("round %d %s%s cap=%d producers=%d len=%d..%d abort=%.2f seed=%d", number, kind,
                    memory == Memory.OWN ? "" : " over " + memory, capacity, producers, minLength, maxLength, abortRate,
                    seed);
        }
    }

    record Outcome(Config config, long records, long aborted, double seconds, String failure) {
        boolean passed() {
            return failure == null;
        }
    }

    /** Picks a random configuration; {@code millis} is the round's producing time. */
    static Config randomConfig(int number, SplittableRandom random, long millis) {
        Kind kind = switch (random.nextInt(10)) {
            case 0, 1, 2 -> Kind.SPSC;
            case 3, 4, 5, 6 -> Kind.MPSC;
            case 7, 8 -> Kind.CHANNEL_MPSC;
            default -> Kind.CHANNEL_SPSC;
        };
        int capacity = 1 << random.nextInt(5, 17); // 32 B .. 64 KiB
        int maxRecord = capacity / 2 - 8;
        int maxLength = switch (random.nextInt(3)) {
            case 0 -> maxRecord;
            case 1 -> Math.min(maxRecord, 1 + random.nextInt(64));
            default -> 1 + random.nextInt(maxRecord);
        };
        int minLength = random.nextBoolean() ? 1 : 1 + random.nextInt(maxLength);
        boolean single = kind == Kind.SPSC || kind == Kind.CHANNEL_SPSC;
        boolean channel = kind == Kind.CHANNEL_SPSC || kind == Kind.CHANNEL_MPSC;
        Memory memory = channel ? Memory.OWN : Memory.values()[random.nextInt(Memory.values().length)];
        int producers = single ? 1 : 1 + random.nextInt(4);
        double abortRate = random.nextInt(4) == 0 ? 0.0 : random.nextDouble() * 0.3;
        return new Config(number, kind, memory, capacity, producers, minLength, maxLength, abortRate, millis,
                random.nextLong());
    }

    private final Config config;

    private final SoakRecords records;

    private final AtomicReference<String> failure = new AtomicReference<>();

    private final long[] committed;

    private final AtomicLong aborted = new AtomicLong();

    private volatile boolean stop;

    private volatile boolean abandon;

    SoakRound(Config config) {
        this.config = config;
        this.records = new SoakRecords(config.seed(), config.minLength(), config.maxLength());
        this.committed = new long[config.producers()];
    }

    Outcome run() throws InterruptedException {
        boolean channel = config.kind() == Kind.CHANNEL_SPSC || config.kind() == Kind.CHANNEL_MPSC;
        RingBuffer ring = null;
        RingChannel ringChannel = null;
        if (channel) {
            ringChannel = config.kind() == Kind.CHANNEL_SPSC ? RingChannel.spsc(config.capacity())
                    : RingChannel.mpsc(config.capacity());
        }
        else {
            ring = newRing(config.kind(), config.memory(), config.capacity());
            if (ring.capacity() != config.capacity()) {
                fail("capacity() = " + ring.capacity() + ", expected " + config.capacity());
            }
            if (ring.maxRecordLength() != config.capacity() / 2 - 8) {
                fail("maxRecordLength() = " + ring.maxRecordLength() + ", expected capacity/2 - 8");
            }
        }
        Verifier verifier = new Verifier(records, config.producers());
        Thread[] producers = new Thread[config.producers()];
        for (int p = 0; p < producers.length; p++) {
            int index = p;
            Runnable body;
            if (channel) {
                Sender sender = ringChannel.sender();
                body = () -> sendRecords(index, sender);
            }
            else {
                Producer producer = ring.producer();
                body = () -> produceRecords(index, producer);
            }
            producers[p] = daemon("soak-producer-" + p, body);
        }
        RingBuffer finalRing = ring;
        Receiver receiver = channel ? ringChannel.receiver() : null;
        Consumer consumer = channel ? null : ring.consumer();
        Thread consumerThread = daemon("soak-consumer", channel ? () -> receiveRecords(receiver, verifier)
                : () -> consumeRecords(finalRing, consumer, verifier, producers));

        long start = System.nanoTime();
        consumerThread.start();
        for (Thread t : producers) {
            t.start();
        }
        // The round's length, not a timing assertion: producers write until told to stop.
        long producingEnd = start + config.millis() * 1_000_000L;
        while (failure.get() == null && System.nanoTime() - producingEnd < 0) {
            Thread.sleep(Math.min(50, Math.max(1, (producingEnd - System.nanoTime()) / 1_000_000L)));
        }
        stop = true;
        long settleEnd = System.nanoTime() + SETTLE.toNanos();
        for (Thread t : producers) {
            t.join(Math.max(1, (settleEnd - System.nanoTime()) / 1_000_000L));
        }
        consumerThread.join(Math.max(1, (settleEnd - System.nanoTime()) / 1_000_000L));
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean stuck = consumerThread.isAlive();
        for (Thread t : producers) {
            stuck |= t.isAlive();
        }
        if (stuck) {
            fail("stuck: not finished " + SETTLE.toSeconds() + " s after the producers were stopped"
                    + (ring != null ? " (consumer " + ring.consumerPosition() + ", producer " + ring.producerPosition()
                            + ", blocked " + ring.blockedClaim() + ")" : ""));
            abandon = true;
        }
        else {
            verifier.checkAllArrived(committed, this::fail);
            if (ring != null) {
                if (ring.consumerPosition() != ring.producerPosition()) {
                    fail("drained but consumer position " + ring.consumerPosition() + " != producer position "
                            + ring.producerPosition());
                }
                if (ring.blockedClaim().isPresent()) {
                    fail("drained but blockedClaim() = " + ring.blockedClaim());
                }
            }
        }
        return new Outcome(config, verifier.received(), aborted.get(), seconds, failure.get());
    }

    /**
     * A ring of exactly {@code capacity} data bytes. Over caller-owned memory the
     * counters take some room beside the data; the smallest buffer that yields the
     * capacity is found by asking the ring (the layout stays the core's business).
     */
    static RingBuffer newRing(Kind kind, Memory memory, int capacity) {
        if (memory == Memory.OWN) {
            return kind == Kind.SPSC ? RingBuffer.spsc(capacity) : RingBuffer.mpsc(capacity);
        }
        for (int extra = 64; extra <= 1 << 16; extra += 64) {
            ByteBuffer bytes = memory == Memory.DIRECT_BUFFER ? ByteBuffer.allocateDirect(capacity + extra)
                    : ByteBuffer.allocate(capacity + extra);
            try {
                RingBuffer ring = kind == Kind.SPSC ? RingBuffer.spsc(bytes) : RingBuffer.mpsc(bytes);
                if (ring.capacity() >= capacity) {
                    return ring;
                }
            }
            catch (IllegalArgumentException tooSmall) {
                // not enough room beside the counters yet
            }
        }
        throw new IllegalStateException(
                "no buffer up to 64 KiB beyond " + capacity + " bytes holds a ring of that capacity");
    }

    private void fail(String message) {
        failure.compareAndSet(null, message);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    // ---- ring producers and consumer
    // ------------------------------------------------------

    private void produceRecords(int index, Producer producer) {
        try {
            SplittableRandom random = new SplittableRandom(config.seed() ^ (index + 1) * 0x632BE59BD9B4E019L);
            byte[] scratch = new byte[records.maxLength()];
            long sequence = 0;
            int backoff = 0;
            while (!stop && !abandon) {
                int length = records.write(index, sequence, scratch);
                boolean abort = random.nextDouble() < config.abortRate();
                boolean written = abort ? abortOne(producer, scratch, length, random)
                        : writeOne(producer, scratch, length, random.nextInt(6));
                if (!written) {
                    backoff = backOff(backoff);
                    continue;
                }
                backoff = 0;
                if (!abort) {
                    sequence++;
                }
            }
            committed[index] = sequence;
        }
        catch (RuntimeException | Error e) {
            fail("producer " + index + " threw " + e);
        }
    }

    /**
     * Claims and fills a record exactly as if it were to be sent, then aborts it (or
     * closes it unresolved).
     */
    private boolean abortOne(Producer producer, byte[] scratch, int length, SplittableRandom random) {
        WriteClaim claim = producer.tryClaim(length);
        if (claim == null) {
            return false;
        }
        claim.putBytes(0, scratch, 0, length);
        if (random.nextBoolean()) {
            claim.abort();
        }
        else {
            claim.close();
        }
        aborted.incrementAndGet();
        return true;
    }

    private boolean writeOne(Producer producer, byte[] scratch, int length, int api) {
        switch (api) {
            case 0, 1, 2 -> {
                WriteClaim claim = producer.tryClaim(length);
                if (claim == null) {
                    return false;
                }
                if (api == 0) {
                    claim.putBytes(0, scratch, 0, length);
                }
                else if (api == 1) {
                    putInPieces(claim, scratch, length);
                }
                else {
                    claim.buffer().put(scratch, 0, length);
                }
                claim.commit();
                return true;
            }
            case 3 -> {
                return producer.offer(scratch, 0, length);
            }
            case 4 -> {
                ByteBuffer source = ByteBuffer.wrap(scratch, 0, length);
                boolean offered = producer.offer(source);
                if (offered ? source.hasRemaining() : source.position() != 0) {
                    fail("offer(ByteBuffer) returned " + offered + " but left position " + source.position());
                }
                return offered;
            }
            default -> {
                return producer.offer(java.util.Arrays.copyOf(scratch, length));
            }
        }
    }

    /**
     * Writes with putLong / putInt / putShort / putByte, little-endian like the rest of
     * the API.
     */
    private static void putInPieces(WriteClaim claim, byte[] src, int length) {
        ByteBuffer view = ByteBuffer.wrap(src, 0, length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            claim.putLong(i, view.getLong(i));
        }
        if (i + 4 <= length) {
            claim.putInt(i, view.getInt(i));
            i += 4;
        }
        if (i + 2 <= length) {
            claim.putShort(i, view.getShort(i));
            i += 2;
        }
        if (i < length) {
            claim.putByte(i, src[i]);
        }
    }

    private static int backOff(int attempts) {
        if (attempts < 64) {
            Thread.onSpinWait();
        }
        else {
            Thread.yield();
        }
        return attempts + 1;
    }

    private void consumeRecords(RingBuffer ring, Consumer consumer, Verifier verifier, Thread[] producers) {
        try {
            SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
            byte[] scratch = new byte[records.maxLength()];
            int idle = 0;
            while (!abandon && failure.get() == null) {
                boolean producersDone = stop && allDone(producers);
                int got;
                boolean useTryRead = switch (READ_API) {
                    case "tryRead" -> true;
                    case "drain" -> false;
                    default -> random.nextBoolean();
                };
                if (useTryRead) {
                    got = 0;
                    ReadClaim claim = consumer.tryRead();
                    if (claim != null) {
                        try (claim) {
                            int length = claim.length();
                            switch (random.nextInt(3)) {
                                case 0 -> claim.getBytes(0, scratch, 0, length);
                                case 1 -> claim.buffer().get(scratch, 0, length);
                                default -> System.arraycopy(claim.toByteArray(), 0, scratch, 0, length);
                            }
                            verifier.accept(scratch, length, this::fail);
                        }
                        got = 1;
                    }
                }
                else {
                    got = consumer.drain((buffer, offset, length) -> {
                        buffer.get(offset, scratch, 0, length);
                        verifier.accept(scratch, length, this::fail);
                    }, 1 + random.nextInt(64));
                }
                if (got > 0) {
                    idle = 0;
                }
                else if (producersDone) {
                    return; // every commit happened before the producers ended, and
                            // nothing is left
                }
                else {
                    idle = backOff(idle);
                }
            }
        }
        catch (RuntimeException | Error e) {
            fail("consumer threw " + e);
        }
    }

    private static boolean allDone(Thread[] producers) {
        for (Thread t : producers) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    // ---- channel senders and receiver
    // -----------------------------------------------------

    private void sendRecords(int index, Sender sender) {
        try (sender) {
            SplittableRandom random = new SplittableRandom(config.seed() ^ (index + 1) * 0x632BE59BD9B4E019L);
            byte[] scratch = new byte[records.maxLength()];
            long sequence = 0;
            while (!stop && !abandon) {
                int length = records.write(index, sequence, scratch);
                WriteClaim claim = random.nextBoolean() ? sender.send(length, CHANNEL_WAIT) : sender.trySend(length);
                if (claim == null) {
                    continue; // trySend on a full ring, or a send that timed out (the
                              // settle check catches a stuck receiver)
                }
                claim.putBytes(0, scratch, 0, length);
                if (random.nextDouble() < config.abortRate()) {
                    claim.abort();
                    aborted.incrementAndGet();
                }
                else {
                    claim.commit();
                    sequence++;
                }
            }
            committed[index] = sequence;
        }
        catch (ChannelClosedException e) {
            fail("sender " + index + ": channel reported closed while the receiver was open");
        }
        catch (RuntimeException | Error e) {
            fail("sender " + index + " threw " + e);
        }
    }

    private void receiveRecords(Receiver receiver, Verifier verifier) {
        try (receiver) {
            byte[] scratch = new byte[records.maxLength()];
            while (!abandon) {
                ReadClaim claim = receiver.recv(CHANNEL_WAIT);
                if (claim == null) {
                    if (stop) {
                        fail("recv timed out after the senders stopped: their close was not seen");
                        return;
                    }
                    continue;
                }
                try (claim) {
                    int length = claim.length();
                    claim.getBytes(0, scratch, 0, length);
                    verifier.accept(scratch, length, this::fail);
                }
            }
        }
        catch (ChannelClosedException closed) {
            if (!stop) {
                fail("receiver saw the channel closed before the senders were told to stop");
            }
            // Senders close after their last commit: the final count check proves nothing
            // was left unread.
        }
        catch (RuntimeException | Error e) {
            fail("receiver threw " + e);
        }
    }

}
