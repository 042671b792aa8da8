/**
 * A file-backed ring against the same ring in a direct buffer: consumer throughput
 * ({@link dev.logbuf.benchmarks.filering.FileRingThroughput}) and producer latency
 * ({@link dev.logbuf.benchmarks.filering.FileRingWriteLatency}), in one run.
 */
package dev.logbuf.benchmarks.filering;
