package dev.logbuf.archive;

/**
 * When {@link ArchiveWriter} forces written records to the storage device
 * ({@code fsync}). Records are handed to the operating system at the end of every drain
 * batch whatever the policy; the policy decides when the writer also waits for them to
 * reach the device, which is what makes them survive a power loss or kernel crash (a
 * killed JVM loses nothing that reached the operating system).
 */
public enum FlushPolicy {

    /**
     * Never force on its own, not even at close; the operating system writes back when it
     * likes (records survive a killed JVM, not a power loss).
     * {@link ArchiveWriter#flush()} still forces on demand, and a batch is forced when
     * anyone waits for one of its records ({@link ArchiveWriter#awaitDurable}).
     */
    NONE,
    /**
     * Force at every {@link ArchiveWriter#endOfBatch()} that wrote something: each
     * drained batch is durable.
     */
    BATCH,
    /**
     * Force at an {@link ArchiveWriter#endOfBatch()} once the
     * {@link ArchiveWriterBuilder#flushInterval flush interval} has passed since the last
     * force and something was written since: at most that much is at risk. The drain loop
     * must call {@code endOfBatch()} after empty drains too, or a quiet ring keeps its
     * last records unforced.
     */
    INTERVAL

}
