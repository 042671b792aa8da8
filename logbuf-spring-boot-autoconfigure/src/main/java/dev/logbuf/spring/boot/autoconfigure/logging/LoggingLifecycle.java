package dev.logbuf.spring.boot.autoconfigure.logging;

import java.util.Arrays;

import dev.logbuf.RecordHandler;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.spring.boot.autoconfigure.RecordHandlerNotFoundException;
import dev.logbuf.spring.boot.logging.LogbufLogging;
import dev.logbuf.spring.boot.logging.LoggingOutput;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * The logging set-up's part in an application context, in the drain loops' phase
 * ({@link RingDrainLifecycle#PHASE}: after the web server has stopped).
 * <ul>
 * <li>output {@code console}: nothing to start or stop. The appender was attached before
 * the context and outlives it, so the context's and the web server's shutdown messages go
 * through the ring; it stops when Logback stops (Boot's logging shutdown handler at
 * exit).</li>
 * <li>output {@code ring}: the ring's handler bean or archive exists while the context
 * runs; {@link #start()} attaches the appender with it as the output, {@link #stop()}
 * detaches the appender and stops it, after its drain handed every record over.</li>
 * </ul>
 */
final class LoggingLifecycle implements SmartLifecycle {

    private final LogbufLogging logging;

    private final RecordHandler handler;

    private volatile boolean running;

    LoggingLifecycle(LogbufLogging logging, BeanFactory beanFactory, String beanName) {
        this.logging = logging;
        LogbufRing ring = logging.ring();
        String handlerName = ring.settings().handler();
        if (logging.settings().output() == LoggingOutput.RING && handlerName != null) {
            this.handler = handler(beanFactory, ring.name(), handlerName);
            if (beanFactory instanceof ConfigurableBeanFactory configurable) {
                // the handler outlives the appender that feeds it
                configurable.registerDependentBean(handlerName, beanName);
            }
        }
        else {
            this.handler = null;
        }
    }

    private static RecordHandler handler(BeanFactory beanFactory, String ring, String handlerName) {
        String[] handlers = (beanFactory instanceof ListableBeanFactory listable)
                ? listable.getBeanNamesForType(RecordHandler.class) : new String[0];
        if (!beanFactory.containsBean(handlerName)) {
            throw new RecordHandlerNotFoundException(ring, handlerName, null, Arrays.asList(handlers));
        }
        if (!beanFactory.isTypeMatch(handlerName, RecordHandler.class)) {
            Class<?> actual = beanFactory.getType(handlerName);
            throw new RecordHandlerNotFoundException(ring, handlerName,
                    (actual != null) ? ClassUtils.getQualifiedName(actual) : "bean of unknown type",
                    Arrays.asList(handlers));
        }
        return beanFactory.getBean(handlerName, RecordHandler.class);
    }

    @Override
    public void start() {
        if (this.logging.settings().output() == LoggingOutput.RING) {
            LogbufRing ring = this.logging.ring();
            if (this.handler != null) {
                this.logging.attachToRing(ring.settings().handler(), this.handler);
            }
            else {
                this.logging.attachToRing(ring.openArchive());
            }
        }
        else {
            this.logging.attachToConsole();
        }
        this.running = true;
    }

    @Override
    public void stop() {
        if (this.logging.settings().output() == LoggingOutput.RING) {
            this.logging.detachFromRing();
        }
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return RingDrainLifecycle.PHASE;
    }

}
