package dev.logbuf.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logbuf.ReadClaim;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The close race of API.md's {@code Receiver.recv()} line: the sender commits a record
 * and at once closes while the receiver is in {@code recv()} (spinning, yielding or
 * parked, depending on a random delay). The receiver must always get the record first and
 * only then {@link ChannelClosedException}.
 *
 * <p>
 * {@code -Dlogbuf.stress.closeRaces=N} sets the repetitions (default 100,000 per channel
 * type). The per-round wait is a hang guard only.
 */
@Tag("stress")
class ChannelCloseRaceTest {

    private static final int ROUNDS = Integer.getInteger("logbuf.stress.closeRaces", 100_000);

    private static final long HANG_GUARD_SECONDS = 30;

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void receiverAlwaysGetsTheRecordBeforeChannelClosed(String type) throws InterruptedException {
        IntFunction<RingChannel> factory = "spsc".equals(type) ? RingChannel::spsc : RingChannel::mpsc;
        SynchronousQueue<Receiver> handoff = new SynchronousQueue<>();
        BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
        Thread receiving = new Thread(() -> receiveRounds(handoff, outcomes, 1), "race-receiver");
        receiving.setDaemon(true);
        receiving.start();
        SplittableRandom random = new SplittableRandom(type.hashCode());
        try {
            for (int round = 0; round < ROUNDS; round++) {
                RingChannel channel = factory.apply(64);
                Sender sender = channel.sender();
                handoff.put(channel.receiver());
                // 0..~20 us of delay: the receiver is caught spinning, yielding or
                // parked.
                for (int spin = random.nextInt(4) == 0 ? 0 : random.nextInt(2000); spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                sender.send(8).putLong(0, round).commit();
                sender.close();
                Object outcome = outcomes.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                assertThat(outcome).as("outcome of round %d", round).isEqualTo((long) round);
            }
        }
        finally {
            receiving.interrupt();
        }
    }

    @org.junit.jupiter.api.Test
    void mpscReceiverGetsBothRecordsWhenTwoSendersCommitAndCloseConcurrently() throws InterruptedException {
        SynchronousQueue<Receiver> handoff = new SynchronousQueue<>();
        SynchronousQueue<Sender> secondSenders = new SynchronousQueue<>();
        BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
        Thread receiving = new Thread(() -> receiveRounds(handoff, outcomes, 2), "race-receiver");
        Thread secondSending = new Thread(() -> {
            try {
                while (true) {
                    Sender sender = secondSenders.take();
                    sender.send(8).putLong(0, -1).commit();
                    sender.close();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "race-second-sender");
        receiving.setDaemon(true);
        secondSending.setDaemon(true);
        receiving.start();
        secondSending.start();
        int rounds = Math.max(1, ROUNDS / 4);
        try {
            for (int round = 0; round < rounds; round++) {
                RingChannel channel = RingChannel.mpsc(128);
                Sender first = channel.sender();
                Sender second = channel.sender();
                handoff.put(channel.receiver());
                secondSenders.put(second);
                first.send(8).putLong(0, round).commit();
                first.close();
                Object outcome = outcomes.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                assertThat(outcome).as("outcome of round %d", round).isEqualTo((long) round - 1);
            }
        }
        finally {
            receiving.interrupt();
            secondSending.interrupt();
        }
    }

    /**
     * Receiver side: per round, {@code records} records then ChannelClosedException;
     * reports the sum of the received values, or what went wrong.
     */
    private static void receiveRounds(SynchronousQueue<Receiver> handoff, BlockingQueue<Object> outcomes, int records) {
        while (!Thread.currentThread().isInterrupted()) {
            Receiver receiver;
            try {
                receiver = handoff.take();
            }
            catch (InterruptedException e) {
                return;
            }
            Object outcome;
            try {
                long sum = 0;
                for (int i = 0; i < records; i++) {
                    try (ReadClaim record = receiver.recv()) {
                        sum += record.getLong(0);
                    }
                }
                try {
                    ReadClaim extra = receiver.recv();
                    outcome = "a further record of " + extra.length() + " bytes instead of ChannelClosedException";
                }
                catch (ChannelClosedException expected) {
                    outcome = sum;
                }
            }
            catch (Throwable t) {
                outcome = t;
            }
            outcomes.add(outcome);
        }
    }

}
