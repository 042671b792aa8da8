package dev.logbuf.stress;

import static dev.logbuf.stress.Records.A8;

import dev.logbuf.ReadClaim;
import dev.logbuf.WriteClaim;
import dev.logbuf.channel.ChannelClosedException;
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
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * A sender commits one record and closes its handle, racing the receiver: the receiver
 * must never report the channel closed while a record committed before the close is still
 * unread. A receiver that sees "no record", then "closed", without re-checking the ring
 * after it saw the close, loses the record; and a blocking {@code recv} that is not woken
 * by the close times out.
 */
public final class ChannelCloseVersusRecvTest {

    /**
     * Far longer than any legitimate wait (the other actor is running and needs
     * microseconds), so reaching it means a lost wake-up; short enough that a broken
     * variant fails the suite in minutes rather than hours.
     */
    static final Duration LONG_TIMEOUT = Duration.ofSeconds(2);

    private ChannelCloseVersusRecvTest() {
    }

    abstract static class Sample {

        final Sender sender;

        final Receiver receiver;

        Sample(RingChannel channel) {
            sender = channel.sender();
            receiver = channel.receiver();
        }

        void sendAThenClose() {
            WriteClaim claim = sender.send(A8.length());
            A8.fill(claim);
            claim.commit();
            sender.close();
        }

        String tryReceive() {
            try {
                ReadClaim claim = receiver.tryRecv();
                if (claim == null) {
                    return "-";
                }
                try (claim) {
                    return Records.describe(claim, A8);
                }
            }
            catch (ChannelClosedException closed) {
                return "closed";
            }
        }

        String receiveUntilClosed() {
            StringBuilder seen = new StringBuilder();
            try {
                for (int i = 0; i < 4; i++) {
                    ReadClaim claim = receiver.recv(LONG_TIMEOUT);
                    if (claim == null) {
                        return seen.append("timeout").toString();
                    }
                    try (claim) {
                        seen.append(Records.describe(claim, A8)).append(' ');
                    }
                }
                return seen.append("never closed").toString();
            }
            catch (ChannelClosedException closed) {
                return seen.append("closed").toString();
            }
        }

    }

    @JCStressTest
    @Description("SPSC channel: send+commit+close vs two tryRecv calls")
    @Outcome(id = "-, -", expect = Expect.ACCEPTABLE, desc = "both polls came before the commit")
    @Outcome(id = "-, A", expect = Expect.ACCEPTABLE, desc = "the second poll got the record")
    @Outcome(id = "A, -", expect = Expect.ACCEPTABLE, desc = "got the record; the close came after the second poll")
    @Outcome(id = "A, closed", expect = Expect.ACCEPTABLE, desc = "got the record, then saw the close")
    @Outcome(expect = Expect.FORBIDDEN, desc = "closed reported with the committed record unread, or a torn record")
    @State
    public static class SpscTryRecv extends Sample {

        public SpscTryRecv() {
            super(RingChannel.spsc(64));
        }

        @Actor
        public void sender() {
            sendAThenClose();
        }

        @Actor
        public void receiver(LL_Result r) {
            r.r1 = tryReceive();
            r.r2 = tryReceive();
        }

    }

    @JCStressTest
    @Description("MPSC channel: send+commit+close vs two tryRecv calls")
    @Outcome(id = "-, -", expect = Expect.ACCEPTABLE, desc = "both polls came before the commit")
    @Outcome(id = "-, A", expect = Expect.ACCEPTABLE, desc = "the second poll got the record")
    @Outcome(id = "A, -", expect = Expect.ACCEPTABLE, desc = "got the record; the close came after the second poll")
    @Outcome(id = "A, closed", expect = Expect.ACCEPTABLE, desc = "got the record, then saw the close")
    @Outcome(expect = Expect.FORBIDDEN, desc = "closed reported with the committed record unread, or a torn record")
    @State
    public static class MpscTryRecv extends Sample {

        public MpscTryRecv() {
            super(RingChannel.mpsc(64));
        }

        @Actor
        public void sender() {
            sendAThenClose();
        }

        @Actor
        public void receiver(LL_Result r) {
            r.r1 = tryReceive();
            r.r2 = tryReceive();
        }

    }

    @JCStressTest
    @Description("SPSC channel: send+commit+close vs recv(2 s) until closed")
    @Outcome(id = "A closed", expect = Expect.ACCEPTABLE, desc = "got the record, then the close")
    @Outcome(expect = Expect.FORBIDDEN, desc = "record lost, torn, or a wait not woken by the commit or the close")
    @State
    public static class SpscBlockingRecv extends Sample {

        public SpscBlockingRecv() {
            super(RingChannel.spsc(64));
        }

        @Actor
        public void sender() {
            sendAThenClose();
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receiveUntilClosed();
        }

    }

    @JCStressTest
    @Description("MPSC channel: send+commit+close vs recv(2 s) until closed")
    @Outcome(id = "A closed", expect = Expect.ACCEPTABLE, desc = "got the record, then the close")
    @Outcome(expect = Expect.FORBIDDEN, desc = "record lost, torn, or a wait not woken by the commit or the close")
    @State
    public static class MpscBlockingRecv extends Sample {

        public MpscBlockingRecv() {
            super(RingChannel.mpsc(64));
        }

        @Actor
        public void sender() {
            sendAThenClose();
        }

        @Actor
        public void receiver(L_Result r) {
            r.r1 = receiveUntilClosed();
        }

    }

}
