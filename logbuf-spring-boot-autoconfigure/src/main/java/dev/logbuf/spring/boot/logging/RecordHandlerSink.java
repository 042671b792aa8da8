package dev.logbuf.spring.boot.logging;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.logbuf.RecordHandler;
import dev.logbuf.RecordSink;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link RecordHandler} bean as the logging appender's sink ({@code output=ring}): as
 * in the starter's drain loops, a handler that throws consumes its record (counted), so
 * one bad record never wedges the ring. The first failure is logged at ERROR, later ones
 * at most once a minute with their count (into the same ring: the drain thread's own
 * events never wait for room).
 */
final class RecordHandlerSink implements RecordSink {

    private static final Log logger = LogFactory.getLog(RecordHandlerSink.class);

    private static final long REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String ring;

    private final String handlerName;

    private final RecordHandler handler;

    private final AtomicLong failures = new AtomicLong();

    /** Drain thread only. */
    private long reportedFailures;

    /** Drain thread only. */
    private long lastReportNanos;

    RecordHandlerSink(String ring, String handlerName, RecordHandler handler) {
        this.ring = ring;
        this.handlerName = handlerName;
        this.handler = handler;
    }

    @Override
    public void onRecord(ByteBuffer buffer, int offset, int length, long position) {
        try {
            this.handler.onRecord(buffer, offset, length);
        }
        catch (RuntimeException ex) {
            long failed = this.failures.incrementAndGet();
            long now = System.nanoTime();
            if (this.reportedFailures == 0 || now - this.lastReportNanos >= REPORT_INTERVAL_NANOS) {
                logger.error("Logbuf logging ring '" + this.ring + "': handler '" + this.handlerName + "' failed on "
                        + (failed - this.reportedFailures) + " log record(s) since the last report; those records"
                        + " are consumed (not handed over again)", ex);
                this.reportedFailures = failed;
                this.lastReportNanos = now;
            }
        }
    }

    long failures() {
        return this.failures.get();
    }

}
