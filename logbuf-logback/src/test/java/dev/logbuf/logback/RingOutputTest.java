package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.logbuf.RecordSink;
import dev.logbuf.RingBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Output {@code ring} with a ring given by the application (what the starter does for
 * {@code logbuf.logging.output=ring}, docs/logging.md "For the starter"): the drain hands
 * each event to the ring's own sink with its position, the ring outlives the appender,
 * and the sink is closed when the appender stops.
 */
class RingOutputTest {

    @Test
    void theRingsOwnSinkGetsEveryEventWithItsPositionAndIsClosedAtStop() {
        RingBuffer ring = RingBuffer.mpsc(64 * 1024);
        List<String> records = new CopyOnWriteArrayList<>();
        List<Long> positions = new CopyOnWriteArrayList<>();
        AtomicBoolean closed = new AtomicBoolean();
        RecordSink sink = new RecordSink() {

            @Override
            public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
                byte[] bytes = new byte[length];
                buffer.get(offset, bytes);
                records.add(new String(bytes, StandardCharsets.UTF_8));
                positions.add(position);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        LoggerContext context = new LoggerContext();
        context.start();
        LogbufAppender appender = new LogbufAppender();
        appender.setContext(context);
        appender.setPattern("%level %msg%n");
        appender.setOutput("ring");
        appender.setSink(sink);
        appender.setRing(ring);
        appender.setConsumer(ring.consumer());
        appender.setExitHook(false);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.DEBUG);
        root.addAppender(appender);
        for (int i = 0; i < 100; i++) {
            context.getLogger("ring").debug("event {}", i);
        }
        context.stop();

        assertThat(records).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(records.get(i)).isEqualTo("DEBUG event " + i + "\n");
        }
        assertThat(positions).isSorted().doesNotHaveDuplicates();
        assertThat(closed).isTrue();
        assertThat(appender.ring()).containsSame(ring);
        assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
    }

    @Test
    void outputRingWithoutASinkDoesNotStartAndSaysWhy() {
        LoggerContext context = new LoggerContext();
        context.start();
        LogbufAppender appender = new LogbufAppender();
        appender.setContext(context);
        appender.setName("RING");
        appender.setOutput("ring");
        appender.start();
        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
            .anySatisfy((status) -> assertThat(status.getMessage()).contains("logbuf appender [RING] not started")
                .contains("output is 'ring' but no sink was set"));
    }

}
