package dev.logbuf.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.OutputStream;
import java.util.function.Consumer;
import org.slf4j.MDC;

/** A programmatic logger context with one {@link LogbufAppender} on the root logger. */
final class Appenders {

    final LoggerContext context = new LoggerContext();

    final LogbufAppender appender = new LogbufAppender();

    Appenders(OutputStream out, Consumer<LogbufAppender> settings) {
        this.context.setName("test");
        // what SLF4J's binding does for its own context: MDC.put(...) lands here
        this.context.setMDCAdapter(MDC.getMDCAdapter());
        this.context.start();
        this.appender.setContext(this.context);
        this.appender.setName("RING");
        this.appender.setPattern("%level %msg%n");
        this.appender.setOutputStream(out);
        settings.accept(this.appender);
        this.appender.start();
        Logger root = this.context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        root.addAppender(this.appender);
    }

    Logger logger(String name) {
        return this.context.getLogger(name);
    }

    /** Stops the context as Logback does at exit: the appender stops and is detached. */
    void stop() {
        this.context.stop();
    }

}
