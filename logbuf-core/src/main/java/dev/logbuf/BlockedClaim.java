package dev.logbuf;

/**
 * A record at the head of a ring that has been claimed but not yet committed or aborted,
 * as seen by {@link RingBuffer#blockedClaim()}. While it stays so, the consumer cannot
 * pass it: every later record waits behind it.
 *
 * @param position the record's position (its start in the ring's ever-growing byte
 * positions): the consumer position, or just past skip markers lying ahead of it
 * @param blockedForNanos at least the time since this ring first observed the head
 * blocked on this record (by the consumer or an earlier {@code blockedClaim()} call), at
 * most the time since it was claimed
 * @param claimantThreadName the name of the thread that claimed it, or {@code null} where
 * unknown (the claimant has not yet written its id, has terminated, or is a virtual
 * thread)
 */
public record BlockedClaim(long position, long blockedForNanos, String claimantThreadName) {
}
