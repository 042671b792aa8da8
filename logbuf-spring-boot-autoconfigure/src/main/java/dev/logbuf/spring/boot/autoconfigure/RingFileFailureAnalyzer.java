package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.logbuf.spring.boot.RingFileException;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder.ConfiguredValue;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link RingFileException}: the ring's {@code file} property, where it was
 * written, the core's reason naming the file, and what to do for each kind of problem
 * (another type or capacity, not a ring, damaged, held by another ring or process, cannot
 * be created).
 *
 * <p>
 * The core reports these as {@code IllegalArgumentException},
 * {@code IllegalStateException} and {@code UncheckedIOException} whose messages name the
 * file; which problem it is is read from the message.
 */
class RingFileFailureAnalyzer extends AbstractFailureAnalyzer<RingFileException> {

    private static final Pattern OTHER_TYPE = Pattern.compile("holds an? (SPSC|MPSC) ring; it was opened as");

    private static final Pattern OTHER_CAPACITY = Pattern.compile("holds a ring of capacity ([0-9]+) bytes");

    private final Environment environment;

    RingFileFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RingFileException cause) {
        String ring = cause.getRingName();
        String property = RingProperty.FILE.name(ring);
        ConfiguredValue value = RingSettingsBinder.configuredValue(this.environment, property);
        Throwable error = cause.getCause();
        String message = (error.getMessage() != null) ? error.getMessage() : error.toString();
        Path file = cause.getFile();
        String absolute = file.isAbsolute() ? "" : " (absolute path: " + file.toAbsolutePath() + ")";
        String description = InvalidRingPropertyFailureAnalyzer.describe(ring, property,
                (value != null) ? value.text() : file.toString(), (value != null) ? value.origin() : null,
                message + absolute);
        return new FailureAnalysis(description, action(ring, property, file, error, message), cause);
    }

    private static String action(String ring, String property, Path file, Throwable error, String message) {
        String elsewhere = "or set " + property + " to another file (a new one is created)";
        Matcher type = OTHER_TYPE.matcher(message);
        if (type.find()) {
            return "Set " + RingProperty.TYPE.name(ring) + " to " + type.group(1).toLowerCase(java.util.Locale.ROOT)
                    + " (the type the file was created with), " + elsewhere + "; the records still in " + file
                    + " are read only by a ring of its own type and capacity.";
        }
        Matcher capacity = OTHER_CAPACITY.matcher(message);
        if (capacity.find()) {
            return "Set " + RingProperty.CAPACITY.name(ring) + " to " + capacity.group(1)
                    + "B (the capacity the file was created with), " + elsewhere + "; the records still in " + file
                    + " are read only by a ring of its own type and capacity.";
        }
        if (error instanceof IllegalStateException) {
            return "Stop the other ring or process that holds " + file + " (one open ring per file, also across"
                    + " processes), " + elsewhere + ".";
        }
        if (message.contains("is not a logbuf ring")) {
            return "Set " + property + " to a file of its own: " + file
                    + " is something else, and a file with content is never overwritten.";
        }
        if (message.contains("damaged") || message.contains("format version")) {
            return "Move " + file + " away (it may still hold records that were not drained), " + elsewhere + ".";
        }
        return "Set " + property + " to a file in a directory the application can create and write, or make "
                + file.toAbsolutePath().getParent() + " writable.";
    }

}
