package dev.logbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logbuf.RingModel.Entry;
import dev.logbuf.RingModel.State;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based property test: random sequences of tryClaim/put/commit/abort/
 * close/tryRead/drain/offer on tiny rings (16..256 bytes; SPSC and MPSC; own, heap and
 * direct memory) checked step by step against {@link RingModel}: returned records, both
 * positions, and {@code null}/{@code false} exactly when the model says the record does
 * not fit.
 *
 * <p>
 * Written on plain JUnit rather than jqwik: jqwik 1.10's maintainers ask that it not be
 * used by AI coding agents (its "Anti-AI Usage Clause"), and these tests were written by
 * one. What jqwik would add is done here by hand: every sequence comes from a seed
 * printed on failure ({@code
 * -Dlogbuf.property.seed=...} replays it), and a failing sequence is shrunk by dropping
 * operations while it still fails.
 *
 * <p>
 * System properties: {@code logbuf.property.tries} (sequences per configuration, default
 * 300), {@code logbuf.property.seed} (base seed, default random).
 */
class RingModelPropertyTest {

    private static final int TRIES = Integer.getInteger("logbuf.property.tries", 300);

    private static final long BASE_SEED = Long.getLong("logbuf.property.seed", new SplittableRandom().nextLong());

    private static final int MAX_SHRINK_RUNS = 3000;

    enum Kind {

        CLAIM, BAD_CLAIM, PUT_COMMIT, ABORT, CLOSE_WRITE, OFFER_ARRAY, OFFER_BUFFER, TRY_READ, CLOSE_READ, DRAIN,
        DRAIN_POISON

    }

    /**
     * One generated step; {@code a} picks a length, {@code b} a claim, a limit or a
     * payload seed.
     */
    record Op(Kind kind, int a, int b) {
    }

    static Stream<Arguments> configurations() {
        List<Arguments> configurations = new ArrayList<>();
        for (RingBuffer.Type type : RingBuffer.Type.values()) {
            for (Rings.Memory memory : Rings.usableMemories()) {
                configurations.add(Arguments.of(type, memory));
            }
        }
        return configurations.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("configurations")
    void randomOperationSequencesMatchTheModel(RingBuffer.Type type, Rings.Memory memory) {
        long configurationSeed = BASE_SEED ^ (type.ordinal() * 0x9E3779B97F4A7C15L)
                ^ (memory.ordinal() * 0xC2B2AE3D27D4EB4FL);
        for (int t = 0; t < TRIES; t++) {
            long seed = configurationSeed + t;
            SplittableRandom random = new SplittableRandom(seed);
            int capacity = Integer.highestOneBit(random.nextInt(16, 257) * 2 - 1);
            List<Op> ops = generate(random, random.nextInt(10, 300));
            Throwable failure = run(type, memory, capacity, ops);
            if (failure != null) {
                List<Op> shrunk = shrink(type, memory, capacity, ops);
                AssertionError error = new AssertionError(
                        "sequence failed: " + type + " over " + memory + ", capacity " + capacity + ", seed " + seed
                                + " (base seed " + BASE_SEED + ", replay with -Dlogbuf.property.seed=" + BASE_SEED
                                + ")\nshrunk to " + shrunk.size() + " operations: " + shrunk
                                + "\nfailure of the shrunk sequence: " + run(type, memory, capacity, shrunk),
                        failure);
                throw error;
            }
        }
    }

    private static List<Op> generate(SplittableRandom random, int count) {
        List<Op> ops = new ArrayList<>(count);
        Kind[] kinds = Kind.values();
        // Claims, commits and reads dominate; the rest keep every path visited.
        int[] weights = { 6, 1, 6, 2, 2, 3, 2, 5, 4, 3, 1 };
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(total);
            int k = 0;
            while (pick >= weights[k]) {
                pick -= weights[k++];
            }
            ops.add(new Op(kinds[k], random.nextInt(1 << 20), random.nextInt(1 << 20)));
        }
        return ops;
    }

    /** Greedily drops operations while the sequence still fails. */
    private static List<Op> shrink(RingBuffer.Type type, Rings.Memory memory, int capacity, List<Op> ops) {
        List<Op> current = new ArrayList<>(ops);
        int runs = 0;
        boolean progress = true;
        while (progress && runs < MAX_SHRINK_RUNS) {
            progress = false;
            for (int i = current.size() - 1; i >= 0 && runs < MAX_SHRINK_RUNS; i--) {
                List<Op> candidate = new ArrayList<>(current);
                candidate.remove(i);
                runs++;
                if (run(type, memory, capacity, candidate) != null) {
                    current = candidate;
                    progress = true;
                }
            }
        }
        return current;
    }

    /** Runs one sequence on a fresh ring; returns the first failure, or null. */
    private static Throwable run(RingBuffer.Type type, Rings.Memory memory, int capacity, List<Op> ops) {
        Sequence sequence = new Sequence(Rings.ring(type, memory, capacity));
        for (int i = 0; i < ops.size(); i++) {
            try {
                sequence.apply(ops.get(i));
                sequence.checkPositions();
            }
            catch (Throwable t) {
                return new AssertionError("at operation " + i + " " + ops.get(i) + ", " + sequence.model, t);
            }
        }
        return null;
    }

    /** A ring, its model and the claims the test holds open. */
    private static final class Sequence {

        final RingBuffer ring;

        final Producer producer;

        final Consumer consumer;

        final RingModel model;

        final List<Entry> openWrites = new ArrayList<>();

        ReadClaim openRead;

        Entry openReadEntry;

        Sequence(RingBuffer ring) {
            this.ring = ring;
            this.producer = ring.producer();
            this.consumer = ring.consumer();
            this.model = new RingModel(ring.capacity());
            assertThat(ring.maxRecordLength()).isEqualTo(model.maxRecordLength);
        }

        int length(int a) {
            int max = model.maxRecordLength;
            // Skewed small, but every length up to the maximum shows up.
            return a % 4 == 0 ? 1 + (a >>> 2) % max : 1 + (a >>> 2) % Math.min(max, 16);
        }

        void apply(Op op) {
            if (model.maxRecordLength == 0 && op.kind != Kind.TRY_READ && op.kind != Kind.DRAIN) {
                assertThatThrownBy(() -> producer.tryClaim(1)).isInstanceOf(IllegalArgumentException.class);
                return;
            }
            switch (op.kind) {
                case CLAIM -> claim(length(op.a));
                case BAD_CLAIM -> {
                    int bad = op.a % 2 == 0 ? 0 : model.maxRecordLength + 1 + op.b % 8;
                    assertThatThrownBy(() -> producer.tryClaim(bad)).isInstanceOf(IllegalArgumentException.class);
                }
                case PUT_COMMIT -> {
                    Entry entry = pickOpenWrite(op.b);
                    if (entry != null) {
                        byte[] payload = Rings.payload(entry.claim.length(), op.a);
                        fill(entry.claim, payload, op.a);
                        entry.claim.commit();
                        entry.payload = payload;
                        entry.state = State.COMMITTED;
                        forget(entry);
                    }
                }
                case ABORT, CLOSE_WRITE -> {
                    Entry entry = pickOpenWrite(op.b);
                    if (entry != null) {
                        entry.claim.putByte(0, (byte) 1);
                        if (op.kind == Kind.ABORT) {
                            entry.claim.abort();
                        }
                        else {
                            entry.claim.close();
                        }
                        entry.state = State.ABORTED;
                        forget(entry);
                    }
                }
                case OFFER_ARRAY, OFFER_BUFFER -> offer(op, length(op.a));
                case TRY_READ -> tryRead(op.b % 2 == 0);
                case CLOSE_READ -> closeRead();
                case DRAIN -> drain(op.b % 4 == 0 ? Integer.MAX_VALUE : 1 + op.b % 5, -1);
                case DRAIN_POISON -> drain(Integer.MAX_VALUE, 1 + op.b % 3);
                default -> throw new AssertionError(op);
            }
        }

        private Entry pickOpenWrite(int b) {
            return openWrites.isEmpty() ? null : openWrites.get(b % openWrites.size());
        }

        private void forget(Entry entry) {
            openWrites.remove(entry);
            entry.claim = null; // the ring may hand the object out again
        }

        private void claim(int length) {
            boolean fits = model.fits(length);
            WriteClaim claim = producer.tryClaim(length);
            if (!fits) {
                assertThat(claim).as("tryClaim(%d) when the model says it does not fit", length).isNull();
                return;
            }
            assertThat(claim).as("tryClaim(%d) when the model says it fits", length).isNotNull();
            assertThat(claim.length()).isEqualTo(length);
            Entry entry = model.claim(length, State.OPEN);
            entry.claim = claim;
            openWrites.add(entry);
        }

        private static void fill(WriteClaim claim, byte[] payload, int how) {
            switch (how % 4) {
                case 0 -> claim.putBytes(0, payload, 0, payload.length);
                case 1 -> claim.putBytes(0, ByteBuffer.wrap(payload));
                case 2 -> {
                    ByteBuffer view = claim.buffer();
                    view.put(payload);
                }
                default -> {
                    int i = 0;
                    ByteBuffer source = ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (; i + 8 <= payload.length; i += 8) {
                        claim.putLong(i, source.getLong(i));
                    }
                    for (; i < payload.length; i++) {
                        claim.putByte(i, payload[i]);
                    }
                }
            }
        }

        private void offer(Op op, int length) {
            boolean fits = model.fits(length);
            byte[] payload = Rings.payload(length, op.b);
            boolean offered;
            if (op.kind == Kind.OFFER_ARRAY) {
                offered = producer.offer(payload);
            }
            else {
                ByteBuffer source = ByteBuffer.allocate(length + 3);
                source.position(2).put(payload).flip().position(2);
                offered = producer.offer(source);
                assertThat(source.position()).as("source position after offer").isEqualTo(offered ? length + 2 : 2);
            }
            assertThat(offered).as("offer of %d bytes; model says fits=%s", length, fits).isEqualTo(fits);
            if (offered) {
                model.claim(length, State.COMMITTED).payload = payload;
            }
        }

        private void tryRead(boolean closeAtOnce) {
            if (openRead != null) {
                assertThatThrownBy(consumer::tryRead).isInstanceOf(IllegalStateException.class);
                return;
            }
            Entry expected = model.firstUnskipped();
            ReadClaim read = consumer.tryRead();
            if (expected == null || expected.state != State.COMMITTED) {
                assertThat(read).as("tryRead with nothing committed at the head").isNull();
                model.syncConsumer(ring.consumerPosition(), model.consumerPosition, expected);
                return;
            }
            assertThat(read).as("tryRead with a committed record at the head").isNotNull();
            assertThat(read.toByteArray()).isEqualTo(expected.payload);
            model.syncConsumer(ring.consumerPosition(), model.consumerPosition, expected);
            openRead = read;
            openReadEntry = expected;
            if (closeAtOnce) {
                closeRead();
            }
        }

        private void closeRead() {
            if (openRead == null) {
                return;
            }
            openRead.close();
            openRead = null;
            model.syncConsumer(ring.consumerPosition(), openReadEntry.end, null);
            openReadEntry = null;
        }

        private void drain(int limit, int poisonAt) {
            List<byte[]> seen = new ArrayList<>();
            RecordHandler handler = (buffer, offset, length) -> {
                byte[] copy = new byte[length];
                buffer.get(offset, copy, 0, length);
                seen.add(copy);
                if (seen.size() == poisonAt) {
                    throw new PoisonRecord();
                }
            };
            if (openRead != null) {
                assertThatThrownBy(() -> consumer.drain(handler, limit)).isInstanceOf(IllegalStateException.class);
                return;
            }
            List<Entry> expected = model.readable(limit);
            if (poisonAt > 0 && expected.size() >= poisonAt) {
                assertThatThrownBy(() -> consumer.drain(handler, limit)).isInstanceOf(PoisonRecord.class);
                expected = expected.subList(0, poisonAt);
            }
            else {
                assertThat(consumer.drain(handler, limit)).isEqualTo(expected.size());
            }
            assertThat(seen).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(seen.get(i)).as("record %d of the drain", i).isEqualTo(expected.get(i).payload);
            }
            long releasedUpTo = expected.isEmpty() ? model.consumerPosition : expected.get(expected.size() - 1).end;
            model.syncConsumer(ring.consumerPosition(), releasedUpTo, null);
        }

        void checkPositions() {
            assertThat(ring.producerPosition()).as("producer position").isEqualTo(model.producerPosition);
            assertThat(ring.consumerPosition()).as("consumer position").isEqualTo(model.consumerPosition);
            Optional<BlockedClaim> blocked = ring.blockedClaim();
            Entry head = model.entries.peekFirst();
            if (head == null || head.state == State.COMMITTED) {
                assertThat(blocked).as("blocked claim with a committed or no record at the head").isEmpty();
            }
            else if (head.state == State.OPEN) {
                assertThat(blocked).as("blocked claim with an open claim at the head").isPresent();
                assertThat(blocked.get().position()).isEqualTo(head.start);
                assertThat(blocked.get().claimantThreadName()).isEqualTo(Thread.currentThread().getName());
            }
        }

    }

    /** What the poisoning handler throws. */
    private static final class PoisonRecord extends RuntimeException {

        private static final long serialVersionUID = 1L;

    }

}
