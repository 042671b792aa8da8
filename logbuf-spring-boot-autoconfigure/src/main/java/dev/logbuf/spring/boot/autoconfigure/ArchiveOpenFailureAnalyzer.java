package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;

import dev.logbuf.archive.ArchiveException;
import dev.logbuf.archive.ArchiveFormatException;
import dev.logbuf.spring.boot.ArchiveOpenException;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder.ConfiguredValue;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains an {@link ArchiveOpenException}: the ring's {@code archive.directory}
 * property, where it was written, the path at fault and what to do.
 */
class ArchiveOpenFailureAnalyzer extends AbstractFailureAnalyzer<ArchiveOpenException> {

    private final Environment environment;

    ArchiveOpenFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ArchiveOpenException cause) {
        String ring = cause.getRingName();
        String property = RingProperty.ARCHIVE_DIRECTORY.name(ring);
        ConfiguredValue value = RingSettingsBinder.configuredValue(this.environment, property);
        ArchiveException error = cause.getCause();
        Path path = (error.path() != null) ? error.path() : cause.getDirectory();
        String reason = "the archive cannot be opened: " + error.getMessage()
                + (path.isAbsolute() ? "" : " (absolute path: " + path.toAbsolutePath() + ")");
        String description = InvalidRingPropertyFailureAnalyzer.describe(ring, property,
                (value != null) ? value.text() : cause.getDirectory().toString(),
                (value != null) ? value.origin() : null, reason);
        String action = (error instanceof ArchiveFormatException)
                ? "Move " + path + " out of the archive directory (check it first with dev.logbuf.archive.ArchiveTool"
                        + " verify), or set " + property + " to another directory."
                : "Set " + property + " to a directory the application can create and write (it is created when"
                        + " missing; one ring per directory), or make " + path
                        + " a directory the application can write.";
        return new FailureAnalysis(description, action, cause);
    }

}
