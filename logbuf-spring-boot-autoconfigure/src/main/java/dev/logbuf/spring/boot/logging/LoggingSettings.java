package dev.logbuf.spring.boot.logging;

import java.util.Objects;

/**
 * The checked {@code logbuf.logging.*} settings of an application whose Logback events go
 * through a ring.
 *
 * @param ring the name of the ring that carries the events (configured under
 * {@code logbuf.rings.<ring>}, or created with defaults)
 * @param format how each event is encoded
 * @param output where the encoded events go
 */
public record LoggingSettings(String ring, LoggingFormat format, LoggingOutput output) {

    public LoggingSettings {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(output, "output");
    }

}
