/**
 * Throughput: one producer (SPSC), or one or two producers (MPSC), write records as fast
 * as the ring takes them while one consumer drains them in batches. Each contender is one
 * class with the groups {@code spsc}, {@code mpsc1} and {@code mpsc2}; the scores to read
 * are the consumer's {@code records} and {@code bytes} rates
 * ({@link dev.logbuf.benchmarks.DrainCounters}).
 */
package dev.logbuf.benchmarks.throughput;
