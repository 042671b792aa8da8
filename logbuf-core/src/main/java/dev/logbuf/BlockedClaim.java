package dev.logbuf;

/**
 * A record at the head of a ring that has been claimed but not yet committed or aborted,
 * as seen by {@link RingBuffer#blockedClaim()}: a snapshot. While it stays so, the
 * consumer cannot pass it: every later record waits behind it.
 *
 * @param position the record's position (its start in the ring's ever-growing byte
 * positions): the consumer position, or just past skip markers lying ahead of it
 * @param blockedForNanos at least the time since this ring first observed the head
 * blocked on this record (by the consumer or an earlier {@code blockedClaim()} call), at
 * most the time since it was claimed
 * @param claimantThreadName the name the claiming thread had when it claimed on this
 * ring, known after that thread has terminated and for virtual threads (whose name may be
 * {@code ""}); {@code null} where no claimant is known (an MPSC reservation whose header
 * is not yet written, or a thread the ring's claimant table had no slot for)
 * @param claimantThreadId the claiming thread's id ({@code Thread.threadId()}), or
 * {@code -1} where no claimant is known
 * @param claimantAlive whether the claiming thread was alive when this snapshot was
 * taken: {@code false} once it has terminated, which makes the claim eligible for
 * {@link Consumer#unblock(BlockedClaim)}; {@code true} where no claimant is known (it may
 * still write)
 */
public record BlockedClaim(long position, long blockedForNanos, String claimantThreadName, long claimantThreadId,
        boolean claimantAlive) {

}
