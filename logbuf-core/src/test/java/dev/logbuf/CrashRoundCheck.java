package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of one {@link FileRingCrashTest} round, after the child was killed: what the
 * raw file shows (for the totals), then reopen, drain and the set arithmetic described on
 * {@link FileRingCrashTest}.
 */
final class CrashRoundCheck {

    private CrashRoundCheck() {
    }

    /** One record: where it was, whose it was. */
    record Entry(long position, int producer, long sequence, int length, boolean intact, int round) {

    }

    static FileRingCrashTest.CrashRoundResult check(FileRingCrashTest.Round round, Path ringFile, ByteBuffer ackLog,
            ByteBuffer releaseLog) throws IOException {
        String what = round.toString();
        RawState raw = RawState.read(ringFile, round.capacity());

        long[] committing = new long[round.producers()];
        long[] acked = new long[round.producers()];
        long totalAcked = 0;
        for (int p = 0; p < round.producers(); p++) {
            committing[p] = ackLog.getLong(p * CrashRecords.ACK_SLOT);
            acked[p] = ackLog.getLong(p * CrashRecords.ACK_SLOT + 8);
            assertThat(committing[p]).as("%s: producer %d ack log", what, p).isBetween(acked[p], acked[p] + 1);
            totalAcked += acked[p];
        }
        List<Entry> handed = new ArrayList<>();
        long entries = releaseLog.getLong(0);
        boolean inBatch = releaseLog.getLong(8) != 0L;
        for (long i = 0; i < entries; i++) {
            int at = (int) (CrashRecords.ENTRIES + i * CrashRecords.ENTRY);
            handed.add(new Entry(releaseLog.getLong(at), releaseLog.getInt(at + 16), releaseLog.getLong(at + 8),
                    releaseLog.getInt(at + 20), releaseLog.getInt(at + 24) == 0, releaseLog.getInt(at + 28)));
        }

        List<Entry> delivered = new ArrayList<>();
        long head;
        RingBuffer.Recovery recovery;
        try (RingBuffer ring = (round.type() == RingBuffer.Type.SPSC) ? RingBuffer.spsc(ringFile, round.capacity())
                : RingBuffer.mpsc(ringFile, round.capacity())) {
            head = ring.consumerPosition();
            recovery = ring.recovery();
            assertThat(head)
                .as("%s: reopened consumer position (raw head %d, releasing %d)", what, raw.head, raw.releasing)
                .isEqualTo(Math.max(raw.head, raw.releasing));
            assertThat(ring.producerPosition()).as("%s: producer position", what).isEqualTo(raw.tail);
            Consumer consumer = ring.consumer();
            while (consumer.drainTo((buffer, offset, length, position) -> {
                CrashRecords.Decoded record = CrashRecords.decode(buffer, offset, length);
                delivered.add(new Entry(position, record.producer(), record.sequence(), length, record.intact(),
                        record.round()));
            }, 1000) > 0) {
                // drain everything
            }
            assertThat(ring.blockedClaim()).as("%s: nothing blocks a recovered ring", what).isEmpty();
            assertThat(ring.consumerPosition()).as("%s: positions meet after the drain", what)
                .isEqualTo(ring.producerPosition());
        }
        assertThat(recovery.records()).as("%s: recovery().records()", what).isEqualTo(delivered.size());
        // each producer holds at most one claim at a time; a reservation without a header
        // that wraps is dropped as two pieces (before and after the end of the data)
        assertThat(recovery.claimsDropped()).as("%s: claims dropped", what)
            .isEqualTo(raw.claimedHeaders + raw.headerless)
            .isLessThanOrEqualTo(2L * round.producers());

        // handed over before the kill: released below the head, to be delivered again
        // above it
        List<Entry> released = new ArrayList<>();
        List<Entry> pending = new ArrayList<>();
        long previous = -1;
        for (Entry entry : handed) {
            assertThat(entry.position()).as("%s: release log in position order", what).isGreaterThan(previous);
            previous = entry.position();
            (entry.position() < head ? released : pending).add(entry);
        }
        assertThat(pending.size()).as("%s: handed over but not released at the kill: %s", what, pending)
            .isLessThanOrEqualTo(delivered.size());
        assertThat(delivered.subList(0, pending.size())).as("%s: handed-over records delivered again first", what)
            .isEqualTo(pending);
        if (!pending.isEmpty()) {
            assertThat(released).as("%s: released entries precede the pending ones", what)
                .allMatch((e) -> e.position() < pending.get(0).position());
        }
        // drain: the call in progress had released part of its records (a quarter of the
        // capacity) and handed over more that it had not
        long callStart = releaseLog.getLong(CrashRecords.CALL_START);
        boolean releasedInCall = round.drainCalls() && inBatch && !pending.isEmpty() && released.size() > callStart;

        List<Entry> all = new ArrayList<>(released);
        all.addAll(delivered);
        long[] last = new long[round.producers()];
        Set<Long> positions = new HashSet<>();
        long unackedDelivered = 0;
        for (Entry entry : all) {
            assertThat(entry.intact()).as("%s: record intact: %s", what, entry).isTrue();
            assertThat(entry.round()).as("%s: a record of this round, never an aborted one: %s", what, entry)
                .isEqualTo(round.number());
            assertThat(entry.producer()).as("%s: producer id: %s", what, entry).isBetween(0, round.producers() - 1);
            assertThat(positions.add(entry.position())).as("%s: position once: %s", what, entry).isTrue();
            int p = entry.producer();
            assertThat(entry.sequence()).as("%s: producer %d in order, no gap, no duplicate: %s", what, p, entry)
                .isEqualTo(last[p] + 1);
            last[p] = entry.sequence();
            if (entry.sequence() > acked[p]) {
                unackedDelivered++;
            }
        }
        for (int p = 0; p < round.producers(); p++) {
            assertThat(last[p])
                .as("%s: producer %d: last of released + delivered vs acked %d and committing %d", what, p, acked[p],
                        committing[p])
                .isGreaterThanOrEqualTo(acked[p])
                .isLessThanOrEqualTo(committing[p]);
        }
        return new FileRingCrashTest.CrashRoundResult(totalAcked, released.size(), delivered.size(), pending.size(),
                unackedDelivered, recovery.claimsDropped(), inBatch, raw.releasing > raw.head, releasedInCall,
                raw.wrapped, raw.claimedHeaders, raw.headerless);
    }

    /**
     * The ring file as the killed process left it, read through the layout documented on
     * {@link RingBuffer#mpsc(Path, int)} and the header states of
     * {@link RecordDescriptor}, before any reopen touches it.
     */
    static final class RawState {

        long head;

        long tail;

        long releasing;

        boolean wrapped;

        long claimedHeaders;

        long headerless;

        static RawState read(Path file, int capacity) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int data = 4096;
            RawState raw = new RawState();
            raw.tail = bytes.getLong(data + capacity + 128);
            raw.head = bytes.getLong(data + capacity + 256);
            raw.releasing = bytes.getLong(data + capacity + 264);
            long start = Math.max(raw.head, raw.releasing);
            int mask = capacity - 1;
            raw.wrapped = (start & mask) + (raw.tail - start) > capacity;
            long position = start;
            while (position < raw.tail) {
                int index = (int) (position & mask);
                long header = bytes.getLong(data + index);
                int frame = RecordDescriptor.frameLength(header);
                if (RecordDescriptor.isCommitted(header)) {
                    position += RecordDescriptor.alignedLength(frame);
                }
                else if (RecordDescriptor.isSkipMarker(header)) {
                    position -= frame;
                }
                else if (RecordDescriptor.isClaimed(header)) {
                    raw.claimedHeaders++;
                    position += RecordDescriptor.alignedLength(frame);
                }
                else {
                    raw.headerless++;
                    position += 8;
                    while (position < raw.tail && (position & mask) != 0
                            && bytes.getLong(data + (int) (position & mask)) == 0) {
                        position += 8;
                    }
                }
            }
            return raw;
        }

    }

}
