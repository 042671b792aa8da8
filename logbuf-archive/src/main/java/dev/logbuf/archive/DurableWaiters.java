package dev.logbuf.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Applications waiting for their records to be forced to the device, keyed by ring
 * position. Any thread registers ({@link #register}); the writer's thread publishes the
 * durable position after each force ({@link #durable}) and completes every waiter at or
 * below it, so one force answers every record written before it (group commit).
 *
 * <p>
 * Memory ordering: {@code durablePosition} and {@code lowestWaiting} are volatile and
 * written under the monitor; {@link #register} checks the durable position under the same
 * monitor after the writer has written it there, so a waiter is either completed by
 * {@code register} itself or present in the queue when the writer next drains it. The
 * writer reads {@code lowestWaiting} without the monitor (a volatile read that pairs with
 * the volatile write in {@code register}) to decide whether anyone waits.
 */
final class DurableWaiters {

    private record Waiter(long position, CompletableFuture<Void> future) {
    }

    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
            (a, b) -> Long.compare(a.position(), b.position()));

    /** The highest ring position forced to the device; -1 before the first force. */
    private volatile long durablePosition = -1;

    /** The lowest position anyone waits for; {@code Long.MAX_VALUE} when nobody waits. */
    private volatile long lowestWaiting = Long.MAX_VALUE;

    private ArchiveException closedBy;

    /** A future completed once the record at {@code position} is forced. */
    synchronized CompletableFuture<Void> register(long position) {
        if (position <= durablePosition) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (closedBy != null) {
            future.completeExceptionally(closedBy);
            return future;
        }
        waiting.add(new Waiter(position, future));
        // volatile write: pairs with the writer's read in lowestWaiting()
        lowestWaiting = waiting.peek().position();
        return future;
    }

    /** Everything up to and including {@code position} is on the device. */
    void durable(long position) {
        if (position <= durablePosition) {
            return;
        }
        List<CompletableFuture<Void>> answered = new ArrayList<>();
        synchronized (this) {
            // volatile write under the monitor: register() reads it under the same
            // monitor
            durablePosition = position;
            Waiter first;
            while ((first = waiting.peek()) != null && first.position() <= position) {
                answered.add(waiting.poll().future());
            }
            lowestWaiting = first == null ? Long.MAX_VALUE : first.position();
        }
        // outside the monitor: what a waiter chained to its future runs here
        for (CompletableFuture<Void> future : answered) {
            future.complete(null);
        }
    }

    /** The writer closes: nobody still waiting will be answered by it. */
    synchronized void close(ArchiveException reason) {
        closedBy = reason;
        Waiter waiter;
        while ((waiter = waiting.poll()) != null) {
            waiter.future().completeExceptionally(reason);
        }
        lowestWaiting = Long.MAX_VALUE;
    }

    /** Forgets the positions of a previous ring: they mean nothing for the next. */
    synchronized void ringChanged(ArchiveException reason) {
        Waiter waiter;
        while ((waiter = waiting.poll()) != null) {
            waiter.future().completeExceptionally(reason);
        }
        lowestWaiting = Long.MAX_VALUE;
        durablePosition = -1;
    }

    long durablePosition() {
        return durablePosition;
    }

    /** The lowest waited-for position; {@code Long.MAX_VALUE} when nobody waits. */
    long lowestWaiting() {
        return lowestWaiting;
    }

}
