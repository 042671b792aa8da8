package dev.logbuf.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logbuf.ReadClaim;
import dev.logbuf.WriteClaim;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code dev.logbuf.channel} lines of API.md: blocking, timeouts and the
 * closed-channel lifecycle.
 */
class RingChannelTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static RingChannel channel(String type, int capacity) {
        IntFunction<RingChannel> factory = "spsc".equals(type) ? RingChannel::spsc : RingChannel::mpsc;
        return factory.apply(capacity);
    }

    private static void send(Sender sender, long value) {
        sender.send(8).putLong(0, value).commit();
    }

    private static long recv(Receiver receiver) {
        try (ReadClaim record = receiver.recv()) {
            return record.getLong(0);
        }
    }

    /** Runs {@code body} on a new thread and returns it plus a holder of its outcome. */
    private static Thread spawn(String name, AtomicReference<Object> outcome,
            java.util.concurrent.Callable<Object> body) {
        Thread thread = new Thread(() -> {
            try {
                outcome.set(body.call());
            }
            catch (Throwable t) {
                outcome.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitParked(Thread thread) {
        await().atMost(PATIENCE)
            .until(() -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void aCommittedClaimIsReceived(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        send(sender, 41);
        try (WriteClaim claim = sender.trySend(8)) {
            claim.putLong(0, 42).commit();
        }
        assertThat(recv(receiver)).isEqualTo(41);
        try (ReadClaim record = receiver.tryRecv()) {
            assertThat(record.getLong(0)).isEqualTo(42);
        }
        assertThat(receiver.tryRecv()).isNull();
    }

    @Test
    void spscSenderOnlyOnceWhileItIsOpen() {
        RingChannel channel = RingChannel.spsc(64);
        channel.sender();
        assertThatThrownBy(channel::sender).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mpscSenderGivesOneHandlePerCall() {
        RingChannel channel = RingChannel.mpsc(256);
        Sender first = channel.sender();
        Sender second = channel.sender();
        assertThat(second).isNotSameAs(first);
        send(first, 1);
        send(second, 2);
        Receiver receiver = channel.receiver();
        assertThat(recv(receiver)).isEqualTo(1);
        assertThat(recv(receiver)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void receiverOnlyOnce(String type) {
        RingChannel channel = channel(type, 64);
        channel.receiver();
        assertThatThrownBy(channel::receiver).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void badLengthsAreRejectedNamingValueAndLimit(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        assertThatThrownBy(() -> sender.send(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> sender.trySend(25)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("25")
            .hasMessageContaining("24");
        assertThatThrownBy(() -> sender.send(25, SHORT)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("25")
            .hasMessageContaining("24");
        assertThatThrownBy(() -> sender.send(8, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channel.receiver().recv(Duration.ofMillis(-1)))
            .isInstanceOf(IllegalArgumentException.class);
        send(sender, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void oneReceivedRecordAtATime(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        send(sender, 1);
        send(sender, 2);
        ReadClaim open = receiver.recv();
        assertThatThrownBy(receiver::recv).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(receiver::tryRecv).isInstanceOf(IllegalStateException.class);
        open.close();
        assertThat(recv(receiver)).isEqualTo(2);
    }

    @Test
    void channelClosedExceptionIsUnchecked() {
        assertThat(RuntimeException.class).isAssignableFrom(ChannelClosedException.class);
    }

    // ---- waiting and timeouts ----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void recvWithTimeoutReturnsNullWhenNothingArrives(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        assertThat(receiver.recv(SHORT)).isNull();
        assertThat(receiver.tryRecv()).isNull();
        send(sender, 5);
        assertThat(receiver.recv(SHORT)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void sendWithTimeoutReturnsNullWhileTheRingStaysFull(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        sender.send(24).commit();
        sender.send(24).commit();
        assertThat(sender.trySend(8)).isNull();
        assertThat(sender.send(8, SHORT)).isNull();
        receiver.tryRecv().close();
        WriteClaim claim = sender.send(8, SHORT);
        assertThat(claim).isNotNull();
        claim.abort();
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void parkedReceiverWakesAfterACommit(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        AtomicReference<Object> received = new AtomicReference<>();
        Thread receiving = spawn("receiver", received, () -> recv(receiver));
        awaitParked(receiving);
        send(sender, 77);
        await().atMost(PATIENCE).until(() -> received.get() != null);
        assertThat(received.get()).isEqualTo(77L);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void senderWaitingForRoomProceedsOnceTheReceiverFreesIt(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        sender.send(24).commit();
        sender.send(24).commit();
        AtomicReference<Object> sent = new AtomicReference<>();
        Thread sending = spawn("sender", sent, () -> {
            send(sender, 99);
            return "sent";
        });
        awaitParked(sending);
        assertThat(sent.get()).isNull();
        receiver.recv().close();
        await().atMost(PATIENCE).until(() -> sent.get() != null);
        assertThat(sent.get()).isEqualTo("sent");
        receiver.recv().close();
        assertThat(recv(receiver)).isEqualTo(99);
    }

    // ---- closing -------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void sendFailsOnceTheReceiverIsClosed(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        assertThat(sender.isClosed()).isFalse();
        receiver.close();
        assertThat(sender.isClosed()).isTrue();
        assertThatThrownBy(() -> sender.send(8)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> sender.send(8, SHORT)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> sender.trySend(8)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(channel::sender).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(receiver::recv).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void senderWaitingForRoomFailsWhenTheReceiverCloses(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        sender.send(24).commit();
        sender.send(24).commit();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread sending = spawn("sender", outcome, () -> sender.send(8));
        awaitParked(sending);
        receiver.close();
        await().atMost(PATIENCE).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void isClosedWhenThisHandleIsClosed(String type) {
        RingChannel channel = channel(type, 64);
        Sender sender = channel.sender();
        sender.close();
        sender.close(); // idempotent
        assertThat(sender.isClosed()).isTrue();
        assertThatThrownBy(() -> sender.trySend(8)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> sender.send(8)).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void senderAfterEveryHandleWasClosedThrowsChannelClosed(String type) {
        RingChannel channel = channel(type, 64);
        channel.sender().close();
        assertThatThrownBy(channel::sender).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void receiverWaitsWhileNoSenderWasEverCreated(String type) {
        RingChannel channel = channel(type, 64);
        Receiver receiver = channel.receiver();
        assertThat(receiver.tryRecv()).isNull();
        assertThat(receiver.recv(SHORT)).as("waits, does not report closed").isNull();
        Sender sender = channel.sender();
        send(sender, 8);
        assertThat(recv(receiver)).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void receiverReportsClosedOnlyAfterEveryCommittedRecordWasReceived(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        for (int i = 0; i < 3; i++) {
            send(sender, i);
        }
        sender.close();
        for (int i = 0; i < 3; i++) {
            assertThat(recv(receiver)).isEqualTo(i);
        }
        assertThatThrownBy(receiver::recv).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(receiver::tryRecv).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> receiver.recv(SHORT)).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void mpscReceiverReportsClosedOnlyOnceEverySenderHandleIsClosed() {
        RingChannel channel = RingChannel.mpsc(256);
        Sender first = channel.sender();
        Sender second = channel.sender();
        Receiver receiver = channel.receiver();
        first.close();
        assertThat(second.isClosed()).isFalse();
        assertThat(receiver.recv(SHORT)).isNull();
        send(second, 2);
        second.close();
        assertThat(recv(receiver)).isEqualTo(2);
        assertThatThrownBy(receiver::recv).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void claimTakenBeforeCloseMayStillBeCommittedAndIsReceived(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        WriteClaim claim = sender.send(8);
        sender.close();
        assertThat(receiver.tryRecv()).as("unresolved claim: not closed yet").isNull();
        assertThat(receiver.recv(SHORT)).isNull();
        claim.putLong(0, 1234).commit();
        assertThat(recv(receiver)).isEqualTo(1234);
        assertThatThrownBy(receiver::recv).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void claimTakenBeforeCloseMayStillBeAbortedAndThenTheChannelReportsClosed(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        WriteClaim claim = sender.send(8);
        sender.close();
        assertThat(receiver.tryRecv()).isNull();
        claim.abort();
        assertThatThrownBy(receiver::recv).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void parkedReceiverWakesWithChannelClosedWhenTheLastSenderCloses(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread receiving = spawn("receiver", outcome, receiver::recv);
        awaitParked(receiving);
        sender.close();
        await().atMost(PATIENCE).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "spsc", "mpsc" })
    void parkedReceiverWakesWhenAClaimOpenAtCloseIsResolved(String type) {
        RingChannel channel = channel(type, 256);
        Sender sender = channel.sender();
        Receiver receiver = channel.receiver();
        WriteClaim claim = sender.send(8);
        sender.close();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread receiving = spawn("receiver", outcome, () -> {
            long value = recv(receiver);
            try {
                receiver.recv();
                return "no ChannelClosedException after the last record";
            }
            catch (ChannelClosedException expected) {
                return value;
            }
        });
        awaitParked(receiving);
        claim.putLong(0, 55).commit();
        await().atMost(PATIENCE).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo(55L);
    }

}
