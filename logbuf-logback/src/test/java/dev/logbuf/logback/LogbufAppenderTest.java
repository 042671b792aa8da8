package dev.logbuf.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.util.FileSize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The appender's basic promise (docs/logging.md): events from many threads come out
 * complete, each exactly once, in order per thread.
 */
class LogbufAppenderTest {

    @Test
    void eventsFromManyThreadsArriveCompleteAndInPerThreadOrder() throws Exception {
        TestStreams.Collecting out = new TestStreams.Collecting();
        Appenders logging = new Appenders(out, (appender) -> {
            appender.setCapacity(new FileSize(64 * 1024));
            appender.setWaitLevel("TRACE"); // every level waits for room: nothing dropped
        });
        int threads = 4;
        int perThread = 5_000;
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Logger logger = logging.logger("thread" + t);
            loggers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    logger.info("t{} seq {} payload {}", id, i, "x".repeat(i % 97));
                }
            }));
        }
        loggers.forEach(Thread::start);
        for (Thread t : loggers) {
            t.join();
        }
        logging.stop();

        Map<Integer, Integer> next = new HashMap<>();
        for (String line : out.lines()) {
            String[] parts = line.split(" ", -1);
            assertThat(parts[0]).isEqualTo("INFO");
            int id = Integer.parseInt(parts[1].substring(1));
            int seq = Integer.parseInt(parts[3]);
            assertThat(seq).as("thread %d's next event", id).isEqualTo(next.getOrDefault(id, 0));
            assertThat(parts[5]).isEqualTo("x".repeat(seq % 97)); // complete, not cut
            next.put(id, seq + 1);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(next.get(t)).as("events of thread %d", t).isEqualTo(perThread);
        }
        assertThat(logging.appender.droppedCount(Level.INFO)).isZero();
    }

}
