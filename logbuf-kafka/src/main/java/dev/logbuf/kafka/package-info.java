/**
 * Ships a ring's archive to a Kafka topic, at least once.
 */
package dev.logbuf.kafka;
