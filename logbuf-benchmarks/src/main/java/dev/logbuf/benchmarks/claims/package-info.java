/**
 * What the producer path of a ring allocates per record, from platform threads and from
 * virtual threads started one per task
 * ({@link dev.logbuf.benchmarks.claims.ClaimAllocation}, run with {@code -prof gc}).
 */
package dev.logbuf.benchmarks.claims;
