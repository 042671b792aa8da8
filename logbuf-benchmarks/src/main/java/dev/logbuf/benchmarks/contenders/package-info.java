/**
 * One class per contender, holding its rings or queues as JMH group states with the same
 * three operations: {@code write(payload)} (one record, through the zero-copy API where
 * the contender has one; {@code false} when full), {@code drain()} (up to
 * {@link dev.logbuf.benchmarks.Workload#DRAIN_BATCH} records, each read whole by
 * {@link dev.logbuf.benchmarks.PayloadDigest}) and {@code digest()} (for the Blackhole).
 * The throughput and latency benchmarks only call these, so every contender runs the same
 * workload.
 */
package dev.logbuf.benchmarks.contenders;
