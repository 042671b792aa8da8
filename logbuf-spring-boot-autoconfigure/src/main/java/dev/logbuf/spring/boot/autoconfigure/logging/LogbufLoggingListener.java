package dev.logbuf.spring.boot.autoconfigure.logging;

import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.RingSettings;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder;
import dev.logbuf.spring.boot.logging.LoggingSettings;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Sends the application's Logback events through a ring ({@code logbuf.logging.*}) from
 * the moment Spring Boot has initialized logging: ordered right after Boot's
 * {@link LoggingApplicationListener}, on {@link ApplicationEnvironmentPreparedEvent} it
 * checks the properties (a mistake fails start-up with a failure analysis), makes the
 * logging ring and its appender, or starts the one made earlier again after Boot's
 * logging re-initialization, and hands Boot's console appender's events over to it. On
 * {@link ApplicationPreparedEvent} it registers the ring as the singleton
 * {@value #RING_BEAN_NAME}, which the ring registry adopts (health, meters, endpoint)
 * instead of making the ring anew. Registered in {@code META-INF/spring.factories}.
 *
 * <p>
 * Loads nothing of Logback unless {@code logbuf.logging.enabled=true}.
 */
public class LogbufLoggingListener implements SmartApplicationListener {

    /** Right after {@link LoggingApplicationListener}. */
    public static final int ORDER = LoggingApplicationListener.DEFAULT_ORDER + 1;

    /** Name of the singleton of the logging ring's {@link LogbufRing}. */
    public static final String RING_BEAN_NAME = "logbufLoggingRing";

    private static final String[] REQUIRED_CLASSES = { "ch.qos.logback.classic.LoggerContext",
            "dev.logbuf.logback.LogbufAppender" };

    /** This application's logging ring; set on the main thread by the first event. */
    private LogbufRing ring;

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
                || ApplicationPreparedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            onEnvironmentPrepared(prepared.getEnvironment(), prepared.getSpringApplication().getClassLoader());
        }
        else if (event instanceof ApplicationPreparedEvent prepared && this.ring != null) {
            prepared.getApplicationContext().getBeanFactory().registerSingleton(RING_BEAN_NAME, this.ring);
        }
    }

    private void onEnvironmentPrepared(Environment environment, ClassLoader classLoader) {
        LoggingSettings logging = LoggingSettingsBinder.bind(environment);
        if (logging == null) {
            return;
        }
        for (String required : REQUIRED_CLASSES) {
            if (!ClassUtils.isPresent(required, classLoader)) {
                throw LoggingSettingsBinder.missing(environment, required);
            }
        }
        RingSettings ring = new RingSettingsBinder(environment).bind()
            .stream()
            .filter((settings) -> settings.name().equals(logging.ring()))
            .findFirst()
            .orElseThrow();
        this.ring = LoggingInstaller.install(environment, logging, ring);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

}
