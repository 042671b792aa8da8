/**
 * Application logging through a ring: the logbuf Logback appender against Logback's
 * {@code AsyncAppender} and Log4j2's async loggers (LMAX Disruptor, garbage-free
 * settings), with the same pattern and the same sink ({@link LoggingSystems}); events/s,
 * bytes allocated per event ({@code -prof gc}, every thread counted, the drain threads
 * too), the time of one log call ({@code SampleTime}: p99) and the events each contender
 * lost (printed at the end of each trial: its sink counts the lines that arrived).
 */
package dev.logbuf.benchmarks.logging;
