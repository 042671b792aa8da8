/**
 * Producer latency: the time of one record's write (claim, copy, commit; or the queue's
 * offer of a copy), sampled by JMH ({@code SampleTime}: p50, p99, p99.9), with the
 * producers paced ({@link dev.logbuf.benchmarks.latency.ProducerPacing}) so that a
 * consumer draining in batches keeps up. Each contender is one class with the groups
 * {@code spsc} and {@code mpsc2}; read the {@code ...Write} sub-result (the
 * {@code ...Drain} one times the consumer's calls).
 */
package dev.logbuf.benchmarks.latency;
