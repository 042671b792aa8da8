package dev.logbuf.spring.boot;

import dev.logbuf.archive.ArchiveWriterBuilder;

/**
 * Callback that adjusts the {@link ArchiveWriterBuilder} of a ring's built-in archive
 * ({@code logbuf.rings.<name>.archive.directory}) each time its drain loop opens the
 * archive, after the {@code archive.*} properties were applied, for settings that have no
 * property (say, {@code writeBufferSize}). Declare it as a bean; several are applied in
 * {@link org.springframework.core.annotation.Order} order.
 *
 * <p>
 * The builder's {@code listener} is the starter's (it feeds the
 * {@code logbuf.archive.flush} timer and the logs) and is set after the customizers: a
 * listener set here is replaced.
 */
@FunctionalInterface
public interface ArchiveWriterCustomizer {

    /**
     * @param ringName the ring whose archive is being opened
     * @param builder the builder, with the ring's archive properties applied
     */
    void customize(String ringName, ArchiveWriterBuilder builder);

}
