package dev.logbuf.spring.boot.autoconfigure.logging;

import java.util.Optional;

import ch.qos.logback.classic.LoggerContext;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.RingSettings;
import dev.logbuf.spring.boot.logging.LogbufLogging;
import dev.logbuf.spring.boot.logging.LoggingSettings;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;

/**
 * The part of the logging set-up that touches Logback, loaded only when
 * {@code logbuf.logging.enabled=true} and Logback is there.
 */
final class LoggingInstaller {

    private LoggingInstaller() {
    }

    /**
     * Makes (or starts again) the set-up of the logger context SLF4J uses.
     * @return its ring
     */
    static LogbufRing install(Environment environment, LoggingSettings settings, RingSettings ring) {
        return LogbufLogging.install(loggerContext(environment), settings, ring).ring();
    }

    /** The set-up on a ring the registry made (no listener ran before the context). */
    static LogbufLogging install(Environment environment, LoggingSettings settings, LogbufRing ring) {
        return LogbufLogging.install(loggerContext(environment), settings, ring);
    }

    /** The set-up of the logger context on {@code ring}, if there is one. */
    static Optional<LogbufLogging> loggedThrough(Environment environment, LogbufRing ring) {
        return LogbufLogging.installed(loggerContext(environment)).filter((logging) -> logging.ring() == ring);
    }

    static LoggerContext loggerContext(Environment environment) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return context;
        }
        throw LoggingSettingsBinder.enabledProblem(environment,
                "SLF4J logs through " + factory.getClass().getName() + ", not Logback: the logbuf appender is a"
                        + " Logback appender",
                "Use Logback (spring-boot-starter-logging, Spring Boot's default) or set "
                        + LoggingSettingsBinder.PREFIX + ".enabled=false.");
    }

}
