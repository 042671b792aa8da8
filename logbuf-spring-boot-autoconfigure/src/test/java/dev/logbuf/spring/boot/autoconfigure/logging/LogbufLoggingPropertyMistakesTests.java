package dev.logbuf.spring.boot.autoconfigure.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A mistake in {@code logbuf.logging.*}, or in the logging ring's own properties, stops
 * start-up right after Boot initialized logging, with a failure analysis naming the
 * property, the value, where it was written and what to write (docs/starter.md "Mistakes
 * stop start-up with an explanation").
 */
@ExtendWith(OutputCaptureExtension.class)
class LogbufLoggingPropertyMistakesTests {

    @Test
    void anUnknownFormat(CapturedOutput output) {
        fails("--logbuf.logging.format=xml");
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The application's logs cannot go through a logbuf ring.")
            .contains("Property: logbuf.logging.format")
            .contains("Value: \"xml\"")
            .contains("Origin: \"logbuf.logging.format\" from property source \"commandLineArgs\"")
            .contains("Reason: the format must be pattern, ecs, logstash or gelf")
            .contains("Set logbuf.logging.format to pattern");
    }

    @Test
    void anUnknownOutput(CapturedOutput output) {
        fails("--logbuf.logging.output=file");
        assertThat(output).contains("Property: logbuf.logging.output")
            .contains("Value: \"file\"")
            .contains("Reason: the output must be console or ring");
    }

    @Test
    void aMisspelledKeyIsNotIgnored(CapturedOutput output) {
        fails("--logbuf.logging.fromat=ecs");
        assertThat(output).contains("Property: logbuf.logging.fromat")
            .contains("'fromat' is not a property of logbuf.logging (it would be ignored)")
            .contains("Did you mean logbuf.logging.format?");
    }

    @Test
    void aRingNameThatIsNotOne(CapturedOutput output) {
        fails("--logbuf.logging.ring=App Logs");
        assertThat(output).contains("Property: logbuf.logging.ring")
            .contains("Value: \"App Logs\"")
            .contains("lower-case letters, digits and dashes");
    }

    @Test
    void anSpscLoggingRing(CapturedOutput output) {
        fails("--logbuf.rings.logs.type=spsc");
        assertThat(output).contains("The logbuf ring 'logs' cannot be created.")
            .contains("Property: logbuf.rings.logs.type")
            .contains("which every thread writes: it must be mpsc")
            .contains("Set logbuf.rings.logs.type to mpsc");
    }

    @Test
    void aHandlerThatStandardOutputWouldLeaveUnfed(CapturedOutput output) {
        fails("--logbuf.rings.logs.handler=archiver");
        assertThat(output).contains("Property: logbuf.rings.logs.handler")
            .contains("(logbuf.logging.output=console), so its handler would never be fed")
            .contains("Set logbuf.logging.output=ring");
    }

    @Test
    void aLoggingRingWithoutItsDrain(CapturedOutput output) {
        fails("--logbuf.rings.logs.drain.enabled=false");
        assertThat(output).contains("Property: logbuf.rings.logs.drain.enabled")
            .contains("the logging appender drains it");
    }

    @Test
    void outputRingWithoutAHandlerOrArchive(CapturedOutput output) {
        fails("--logbuf.logging.output=ring");
        assertThat(output).contains("Property: logbuf.rings.logs.handler").contains("no record handler is named");
    }

    private static void fails(String property) {
        assertThatException().isThrownBy(() -> LoggingApp.run("--logbuf.logging.enabled=true", property).close());
    }

}
