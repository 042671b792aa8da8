package dev.logbuf.kafka;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.archive.ArchiveWriter;
import dev.logbuf.drain.DrainAgent;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The application {@link KafkaShipperRestartTest} kills with SIGKILL: a ring drained into
 * the archive in {@code args[0]} and shipped to topic {@code args[2]} at {@code args[1]}.
 * It writes records without end, each with the payload of the archive sequence it will
 * get (it starts at the archive's next sequence), and prints
 * {@code acknowledged <sequence> written <sequence>} every few milliseconds.
 */
public final class ShipperChild {

    private static final int MAX_IN_FLIGHT = 1_000;

    private ShipperChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        Path dir = Path.of(args[0]);
        RingBuffer ring = RingBuffer.spsc(1 << 18);
        ArchiveWriter archive = ArchiveWriter.builder(dir).segmentSize(256 * 1024).open();
        long next = archive.nextSequence();
        DrainAgent drain = DrainAgent.builder(ring, ring.consumer()).sink(archive).build();
        KafkaShipper shipper = KafkaShipper.builder(dir, args[2])
            .ring("payments")
            .producerSettings(Map.of("bootstrap.servers", args[1]))
            .maxInFlight(MAX_IN_FLIGHT)
            .build();
        // read before start(), which resumes from it: once started, the shipper saves a
        // newer checkpoint as soon as nothing is in flight
        long resumedFrom = shipper.checkpoint().read();
        drain.start();
        shipper.start();
        out.println("start " + next + " checkpoint " + resumedFrom);
        out.flush();
        Thread reporter = new Thread(() -> {
            while (true) {
                ShipperStatus status = shipper.status();
                out.println("acknowledged " + status.acknowledgedSequence() + " written " + status.writtenSequence());
                out.flush();
                LockSupport.parkNanos(5_000_000);
            }
        }, "reporter");
        reporter.setDaemon(true);
        reporter.start();
        Producer producer = ring.producer();
        while (true) {
            byte[] record = KafkaShipperEndToEndTest.payload(next);
            while (!producer.offer(record)) {
                Thread.onSpinWait();
            }
            next++;
            if (next % 64 == 0) {
                // a steady stream rather than a flood: the kill finds records in flight
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

}
