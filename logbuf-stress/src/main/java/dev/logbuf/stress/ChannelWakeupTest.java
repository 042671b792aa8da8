package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;
import static dev.logbuf.stress.Records.B8;
import static dev.logbuf.stress.Records.C8;

import dev.logbuf.ReadClaim;
import dev.logbuf.WriteClaim;
import dev.logbuf.channel.Receiver;
import dev.logbuf.channel.RingChannel;
import dev.logbuf.channel.Sender;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * Park/wake: a receiver in {@code recv(2 s)} against a sender's commit, and a sender in
 * {@code send(len, 2 s)} on a full ring against the receiver freeing space. Whatever the
 * interleaving (commit before the wait, during the spin, or after the park), the waiting
 * side must get through long before the timeout: a timeout is a lost wake-up.
 */
public final class ChannelWakeupTest {

    /**
     * Far longer than any legitimate wait (the other actor is running and needs
     * microseconds), so reaching it means a lost wake-up; short enough that a broken
     * variant fails the suite in minutes rather than hours.
     */
    static final Duration LONG_TIMEOUT = Duration.ofSeconds(2);

    private ChannelWakeupTest() {
    }

    abstract static class ReceiverWaits {

        final Sender sender;

        final Receiver receiver;

        ReceiverWaits(RingChannel channel) {
            sender = channel.sender();
            receiver = channel.receiver();
        }

        void send() {
            WriteClaim claim = sender.send(A8.length());
            A8.fill(claim);
            claim.commit();
        }

        String receive() {
            ReadClaim claim = receiver.recv(LONG_TIMEOUT);
            if (claim == null) {
                return "timeout";
            }
            try (claim) {
                return Records.describe(claim, A8);
            }
        }

    }

    @JCStressTest
    @Description("SPSC channel: recv(2 s) vs send+commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "received")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost wake-up (timeout) or torn record")
    @State
    public static class SpscReceiver extends ReceiverWaits {

        public SpscReceiver() {
            super(RingChannel.spsc(64));
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receive();
        }

        @Actor
        public void sender() {
            send();
        }

    }

    @JCStressTest
    @Description("MPSC channel: recv(2 s) vs send+commit")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "received")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost wake-up (timeout) or torn record")
    @State
    public static class MpscReceiver extends ReceiverWaits {

        public MpscReceiver() {
            super(RingChannel.mpsc(64));
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receive();
        }

        @Actor
        public void sender() {
            send();
        }

    }

    /**
     * Spins for a pseudo-random 0..8191 {@code onSpinWait}s (up to a few hundred
     * microseconds) before sending, so that across samples the commit lands in every
     * phase of the receiver's wait: spinning, yielding, registering to park, parked.
     * Without it the commit nearly always beats the park.
     */
    static void lateBy(int spins) {
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
    }

    static int randomLateness() {
        return java.util.concurrent.ThreadLocalRandom.current().nextInt(8192);
    }

    @JCStressTest
    @Description("SPSC channel: recv(2 s) vs a sender that commits after a random delay")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "received")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost wake-up (timeout) or torn record")
    @State
    public static class SpscLateSender extends ReceiverWaits {

        public SpscLateSender() {
            super(RingChannel.spsc(64));
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receive();
        }

        @Actor
        public void sender() {
            lateBy(randomLateness());
            send();
        }

    }

    @JCStressTest
    @Description("MPSC channel: recv(2 s) vs a sender that commits after a random delay")
    @Outcome(id = "A", expect = Expect.ACCEPTABLE, desc = "received")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost wake-up (timeout) or torn record")
    @State
    public static class MpscLateSender extends ReceiverWaits {

        public MpscLateSender() {
            super(RingChannel.mpsc(64));
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receive();
        }

        @Actor
        public void sender() {
            lateBy(randomLateness());
            send();
        }

    }

    @JCStressTest
    @Description("SPSC channel, full 32-byte ring: send(8, 2 s) vs the receiver taking one record")
    @Outcome(id = "C", expect = Expect.ACCEPTABLE,
            desc = "the sender got room and its record arrived whole after A and B")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost wake-up (timeout), or a lost, torn or reordered record")
    @State
    public static class SpscSender {

        private final Sender sender;

        private final Receiver receiver;

        public SpscSender() {
            RingChannel channel = RingChannel.spsc(32);
            sender = channel.sender();
            receiver = channel.receiver();
            for (Records.Expected record : new Records.Expected[] { A8, B8 }) {
                WriteClaim claim = sender.trySend(record.length());
                if (claim == null) {
                    throw new IllegalStateException("a 32-byte channel must hold two 8-byte records");
                }
                record.fill(claim);
                claim.commit();
            }
        }

        @Actor
        public void sender() {
            WriteClaim claim = sender.send(C8.length(), LONG_TIMEOUT);
            if (claim == null) {
                return; // the receiver then times out waiting for C
            }
            C8.fill(claim);
            claim.commit();
        }

        @Actor
        public void receiver(L_Result r) {
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                ReadClaim claim = receiver.recv(LONG_TIMEOUT);
                if (claim == null) {
                    r.r1 = "receiver timeout after " + seen;
                    return;
                }
                try (claim) {
                    seen.append(Records.describe(claim, A8, B8, C8));
                }
            }
            r.r1 = seen.toString().equals("ABC") ? "C" : seen.toString();
        }

    }

}
