package dev.logbuf;

import static dev.logbuf.CrashRecords.LONG;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link FileRingCrashTest} kills. Opens a file-backed ring and runs, until
 * it is killed, producers on their own threads that commit sequenced, checksummed records
 * ({@link CrashRecords}) and record every commit in the ack log, and a consumer on the
 * main thread that drains in batches of random size at a random pace and records every
 * record it was handed in the release log. Both logs are memory-mapped files, so what the
 * process wrote survives its {@code SIGKILL} just as the ring does. The consumer drains
 * with {@code drainTo} (one release per call, after {@code endOfBatch()}) or, when
 * {@code api} is {@code drain}, with {@code drain} (a release each time a call's records
 * cover a quarter of the capacity, while the call goes on).
 *
 * <p>
 * Arguments: {@code ringFile type capacity producers ackLog releaseLog seed round
 * minLength maxLength recordsPerProducer api}. Prints {@code READY} once everything runs.
 */
public final class FileRingCrashChild {

    private FileRingCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path ringFile = Path.of(args[0]);
        RingBuffer.Type type = RingBuffer.Type.valueOf(args[1]);
        int capacity = Integer.parseInt(args[2]);
        int producers = Integer.parseInt(args[3]);
        Path ackFile = Path.of(args[4]);
        Path releaseFile = Path.of(args[5]);
        long seed = Long.parseLong(args[6]);
        int round = Integer.parseInt(args[7]);
        int minLength = Integer.parseInt(args[8]);
        int maxLength = Integer.parseInt(args[9]);
        long recordsPerProducer = Long.parseLong(args[10]);
        boolean drainCalls = args[11].equals("drain");

        RingBuffer ring = (type == RingBuffer.Type.SPSC) ? RingBuffer.spsc(ringFile, capacity)
                : RingBuffer.mpsc(ringFile, capacity);
        MappedByteBuffer ackLog = CrashRecords.map(ackFile, (long) producers * CrashRecords.ACK_SLOT);
        MappedByteBuffer releaseLog = CrashRecords.map(releaseFile,
                CrashRecords.releaseLogSize(producers * recordsPerProducer));
        Producer producer = ring.producer();
        SplittableRandom random = new SplittableRandom(seed);
        for (int p = 0; p < producers; p++) {
            ProducerLoop loop = new ProducerLoop(producer, ackLog, p, round, minLength, maxLength, recordsPerProducer,
                    random.split());
            Thread thread = new Thread(loop::run, "crash-producer-" + p);
            thread.setDaemon(true);
            thread.start();
        }
        System.out.println("READY " + ring.recovery().records());
        System.out.flush();
        new ConsumerLoop(ring, releaseLog, random.split(), drainCalls).run();
    }

    /** Spins {@code n} times: a pace, not a wait for anything. */
    static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    static final class ProducerLoop {

        private final Producer producer;

        private final ByteBuffer ackLog;

        private final int slot;

        private final int producerId;

        private final int round;

        private final int minLength;

        private final int maxLength;

        private final long records;

        private final SplittableRandom random;

        private final byte[] record;

        ProducerLoop(Producer producer, ByteBuffer ackLog, int producerId, int round, int minLength, int maxLength,
                long records, SplittableRandom random) {
            this.producer = producer;
            this.ackLog = ackLog;
            this.slot = producerId * CrashRecords.ACK_SLOT;
            this.producerId = producerId;
            this.round = round;
            this.minLength = minLength;
            this.maxLength = maxLength;
            this.records = records;
            this.random = random;
            this.record = new byte[maxLength];
        }

        void run() {
            for (long sequence = 1; sequence <= this.records; sequence++) {
                int length = this.random.nextInt(this.minLength, this.maxLength + 1);
                if (this.random.nextInt(100) < 3) {
                    abortOne(length, sequence);
                }
                CrashRecords.fill(this.record, length, this.producerId, this.round, sequence);
                int how = this.random.nextInt(4);
                if (how < 2) {
                    WriteClaim claim;
                    while ((claim = this.producer.tryClaim(length)) == null) {
                        Thread.yield();
                    }
                    if (how == 0) {
                        claim.putBytes(0, this.record, 0, length);
                    }
                    else {
                        claim.putBytes(0, ByteBuffer.wrap(this.record, 0, length));
                    }
                    if (this.random.nextInt(100) < 5) {
                        spin(this.random.nextInt(20_000)); // an open claim for a while
                    }
                    // Release: stored before the commit, so a committed record is never
                    // above "committing" (pairs with the parent reading the file after
                    // the death).
                    LONG.setRelease(this.ackLog, this.slot, sequence);
                    claim.commit();
                }
                else {
                    LONG.setRelease(this.ackLog, this.slot, sequence);
                    boolean offered;
                    do {
                        offered = (how == 2) ? this.producer.offer(this.record, 0, length)
                                : this.producer.offer(ByteBuffer.wrap(this.record, 0, length));
                        if (!offered) {
                            Thread.yield();
                        }
                    }
                    while (!offered);
                }
                // Release: after the commit returned; the parent reads it after the
                // death.
                LONG.setRelease(this.ackLog, this.slot + 8, sequence);
            }
        }

        /**
         * A claim filled with a valid-looking record, then aborted: must never surface.
         */
        private void abortOne(int length, long sequence) {
            WriteClaim claim = this.producer.tryClaim(length);
            if (claim != null) {
                CrashRecords.fill(this.record, length, this.producerId, CrashRecords.ABORTED, sequence);
                claim.putBytes(0, this.record, 0, length);
                claim.abort();
            }
        }

    }

    static final class ConsumerLoop implements RecordSink, RecordHandler {

        private final RingBuffer ring;

        private final Consumer consumer;

        private final boolean drainCalls;

        /**
         * {@code drain}: where the call started, and where its next record lies at least.
         */
        private long callStart;

        private long expected;

        private final ByteBuffer releaseLog;

        private final SplittableRandom random;

        private long entries;

        private int dwellPerRecord;

        private boolean batchOpen;

        ConsumerLoop(RingBuffer ring, ByteBuffer releaseLog, SplittableRandom random, boolean drainCalls) {
            this.ring = ring;
            this.consumer = ring.consumer();
            this.releaseLog = releaseLog;
            this.random = random;
            this.drainCalls = drainCalls;
        }

        void run() {
            long batches = 0;
            long capacity = (this.releaseLog.capacity() - CrashRecords.ENTRIES) / CrashRecords.ENTRY;
            for (;;) {
                if (this.entries + 4096 >= capacity) {
                    LockSupport.parkNanos(1_000_000); // log full: stop releasing anything
                    continue;
                }
                int limit = 1 + this.random.nextInt((this.random.nextInt(4) == 0) ? 512 : 32);
                this.dwellPerRecord = (this.random.nextInt(8) == 0) ? this.random.nextInt(2_000) : 0;
                int count;
                if (this.drainCalls) {
                    // only this thread moves the consumer position
                    this.callStart = this.ring.consumerPosition();
                    this.expected = this.callStart;
                    // Release: the entries before this call are counted before it starts.
                    LONG.setRelease(this.releaseLog, CrashRecords.CALL_START, this.entries);
                    // asked to hold after a release inside a call: a call long enough to
                    // pass a quarter of the capacity (4,096 records: a quarter of the
                    // largest ring holds 2,048 of the shortest; the log's margin above),
                    // slowed down per record so that the producers keep it going
                    boolean asked = holdAsked(CrashRecords.HOLD_AFTER_IN_CALL_RELEASE);
                    if (asked) {
                        this.dwellPerRecord = Math.max(this.dwellPerRecord, 1_000);
                    }
                    count = this.consumer.drain(this, asked ? 4096 : limit);
                }
                else {
                    count = this.consumer.drainTo(this, limit);
                }
                if (this.batchOpen) {
                    // Release: the batch's release (zeroing, head) happened before this.
                    LONG.setRelease(this.releaseLog, 8, 0L);
                    this.batchOpen = false;
                    LONG.setRelease(this.releaseLog, 16, ++batches);
                }
                int pace = this.random.nextInt(10);
                if (count == 0 || pace == 0) {
                    LockSupport.parkNanos(this.random.nextInt(200_000));
                }
                else if (pace < 3) {
                    spin(this.random.nextInt(5_000));
                }
            }
        }

        @Override
        public void endOfBatch() {
            if (this.batchOpen) {
                // Release: "releasing" (2) once the batch is the ring's to zero and
                // release, which it does right after this returns.
                LONG.setRelease(this.releaseLog, 8, 2L);
                holdIfAsked(CrashRecords.HOLD_AFTER_END_OF_BATCH);
            }
        }

        /**
         * Holds the consumer here until the parent kills the process, when the parent
         * asked for this moment: a kill that must land inside a batch does not depend on
         * polling a window of microseconds on a busy machine.
         */
        private void holdIfAsked(long moment) {
            if (!holdAsked(moment)) {
                return;
            }
            // Release: the batch state and entries above are visible with it.
            LONG.setRelease(this.releaseLog, CrashRecords.HOLDING, 1L);
            for (;;) {
                Thread.onSpinWait();
            }
        }

        private boolean holdAsked(long moment) {
            // Acquire: pairs with the parent's release store of the request.
            return (long) LONG.getAcquire(this.releaseLog, CrashRecords.HOLD) == moment;
        }

        /**
         * {@code drain}: the handler has no position, so it is found from the view's
         * offset (the index of the record's header plus the header): the next record lies
         * where the last one ended, or past a skip marker, at the first position with
         * that index.
         */
        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length) {
            int capacity = this.ring.capacity();
            long index = offset - RecordDescriptor.HEADER_LENGTH;
            long position = this.expected + Math.floorMod(index - this.expected, capacity);
            this.expected = position + RecordDescriptor.alignedLength(length);
            onRecord(buffer, offset, length, position);
            // Acquire: pairs with the consumer's own release of the head (this thread):
            // the call has released part of its records, and goes on handing over more
            if (this.ring.consumerPosition() > this.callStart) {
                holdIfAsked(CrashRecords.HOLD_AFTER_IN_CALL_RELEASE);
            }
        }

        @Override
        public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
            if (!this.batchOpen) {
                // Release: "in a batch" (records handed over, not yet released) is
                // visible before the batch's first entry.
                LONG.setRelease(this.releaseLog, 8, 1L);
                this.batchOpen = true;
            }
            CrashRecords.Decoded record = CrashRecords.decode(buffer, offset, length);
            int at = (int) (CrashRecords.ENTRIES + this.entries * CrashRecords.ENTRY);
            this.releaseLog.putLong(at, position)
                .putLong(at + 8, record.sequence())
                .putInt(at + 16, record.producer())
                .putInt(at + 20, length)
                .putInt(at + 24, (record.intact() && record.round() != CrashRecords.ABORTED) ? 0 : CrashRecords.BAD)
                .putInt(at + 28, record.round());
            // Release: the entry is written before it is counted.
            LONG.setRelease(this.releaseLog, 0, ++this.entries);
            if (this.dwellPerRecord > 0) {
                spin(this.dwellPerRecord); // a long batch, so kills land inside one
            }
            holdIfAsked(CrashRecords.HOLD_IN_BATCH);
        }

    }

}
