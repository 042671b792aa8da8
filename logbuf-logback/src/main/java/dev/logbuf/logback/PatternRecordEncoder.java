package dev.logbuf.logback;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.pattern.Converter;
import ch.qos.logback.core.pattern.PostCompileProcessor;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A Logback pattern written by its own converter chain into the thread's reusable
 * {@code StringBuilder}, then encoded into the thread's reusable byte array: unlike
 * {@code PatternLayoutEncoder} (a new {@code StringBuilder}, a {@code String} and a
 * {@code byte[]} per event) it allocates nothing of its own in UTF-8. The converters
 * themselves may allocate (a formatted message, an abbreviated logger name): that is
 * Logback's, and the same for every appender. Other charsets go through
 * {@code String.getBytes}.
 */
final class PatternRecordEncoder implements RecordEncoder {

    private final ChainCapturingLayout layout;

    private final boolean utf8;

    private final Charset charset;

    PatternRecordEncoder(Context context, String pattern, Charset charset) {
        this.layout = new ChainCapturingLayout();
        this.layout.setContext(context);
        this.layout.setPattern(pattern);
        this.layout.start();
        if (!this.layout.isStarted() || this.layout.head == null) {
            throw new IllegalArgumentException("pattern '" + pattern + "' does not compile (Logback's status messages"
                    + " say why); fix the pattern, or leave it unset for the default console pattern");
        }
        this.charset = charset;
        this.utf8 = StandardCharsets.UTF_8.equals(charset);
    }

    @Override
    public byte[] encode(ILoggingEvent event, EncodeBuffer buffer) {
        StringBuilder text = buffer.text;
        text.setLength(0);
        for (Converter<ILoggingEvent> c = this.layout.head; c != null; c = c.getNext()) {
            c.write(text, event);
        }
        if (!this.utf8) {
            byte[] bytes = text.toString().getBytes(this.charset);
            buffer.length = bytes.length;
            return bytes;
        }
        byte[] bytes = buffer.ensureCapacity(text.length() * 3);
        buffer.length = Utf8.encode(text, bytes);
        return bytes;
    }

    @Override
    public void stop() {
        this.layout.stop();
    }

    /**
     * The pattern layout with its compiled converter chain kept: the
     * {@link PostCompileProcessor} hook is the public way to see the chain's head.
     */
    static final class ChainCapturingLayout extends PatternLayout {

        Converter<ILoggingEvent> head;

        ChainCapturingLayout() {
            PostCompileProcessor<ILoggingEvent> exceptionHandling = this.postCompileProcessor;
            this.postCompileProcessor = (context, head) -> {
                if (exceptionHandling != null) {
                    // appends a throwable converter when the pattern has none
                    exceptionHandling.process(context, head);
                }
                this.head = head;
            };
        }

    }

}
