package dev.logbuf.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.logbuf.ReadClaim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Blocking in both directions under load: senders fill a small channel and wait for room,
 * the receiver drains it with {@code recv()} and waits for records, so both sides park
 * and wake many times; a lost wake-up hangs the run (caught by the hang guard). The
 * receiver checks per-sender order and the final {@link ChannelClosedException} once
 * every sender has closed.
 *
 * <p>
 * {@code -Dlogbuf.stress.channelRecords=N} sets the records per sender (default 200,000).
 */
@Tag("stress")
class ChannelStressTest {

    private static final int RECORDS_PER_SENDER = Integer.getInteger("logbuf.stress.channelRecords", 200_000);

    private static final int SENDERS = 3;

    @Test
    void mpscSendersAndReceiverBlockAndWakeWithoutLosingRecords() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            RingChannel channel = RingChannel.mpsc(1024);
            Receiver receiver = channel.receiver();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> senders = new ArrayList<>();
            for (int id = 0; id < SENDERS; id++) {
                Sender sender = channel.sender();
                int senderId = id;
                Thread thread = new Thread(() -> {
                    try (sender) {
                        for (int i = 0; i < RECORDS_PER_SENDER; i++) {
                            int length = 16 + (i % 7) * 24; // 16..160 bytes: several per
                                                            // ring
                            sender.send(length).putInt(0, senderId).putInt(4, i).putInt(length - 4, i).commit();
                        }
                    }
                    catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }, "sender-" + id);
                thread.setDaemon(true);
                senders.add(thread);
            }
            senders.forEach(Thread::start);
            int[] next = new int[SENDERS];
            long received = 0;
            try {
                while (true) {
                    try (ReadClaim record = receiver.recv()) {
                        int sender = record.getInt(0);
                        int sequence = record.getInt(4);
                        assertThat(sequence).as("sequence from sender %d", sender).isEqualTo(next[sender]);
                        assertThat(record.getInt(record.length() - 4)).isEqualTo(sequence);
                        assertThat(record.length()).isEqualTo(16 + (sequence % 7) * 24);
                        next[sender]++;
                        received++;
                    }
                }
            }
            catch (ChannelClosedException closed) {
                // every sender closed and everything received
            }
            for (Thread sender : senders) {
                sender.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(received).isEqualTo((long) SENDERS * RECORDS_PER_SENDER);
            assertThat(next).containsOnly(RECORDS_PER_SENDER);
        });
    }

}
