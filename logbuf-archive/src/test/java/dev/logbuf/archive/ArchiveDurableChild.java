package dev.logbuf.archive;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.WriteClaim;
import dev.logbuf.drain.DrainAgent;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process {@link ArchiveDurableAckTest} kills: a ring drained into the archive
 * {@code args[0]} with {@link FlushPolicy#NONE}, and {@code args[1]} threads that each
 * commit records {@code (thread, index)} and wait for each to be durable; a thread prints
 * {@code durable <thread> <index>} once {@code awaitDurable} said so. It never stops by
 * itself.
 */
public final class ArchiveDurableChild {

    private ArchiveDurableChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        RingBuffer ring = RingBuffer.mpsc(64 * 1024);
        ArchiveWriter archive = ArchiveWriter.builder(Path.of(args[0])).flushPolicy(FlushPolicy.NONE).open();
        DrainAgent.builder(ring, ring.consumer()).sink(archive).build().start();
        int threads = Integer.parseInt(args[1]);
        Producer producer = ring.producer();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            new Thread(() -> {
                for (int index = 0;; index++) {
                    long position;
                    try (WriteClaim claim = claim(producer)) {
                        claim.putInt(0, thread).putInt(4, index);
                        position = claim.position();
                        claim.commit();
                    }
                    try {
                        if (!archive.awaitDurable(position, Duration.ofSeconds(30))) {
                            throw new IllegalStateException("record " + thread + "/" + index + " not durable in 30 s");
                        }
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    synchronized (out) {
                        out.println("durable " + thread + " " + index);
                        out.flush();
                    }
                }
            }, "producer-" + t).start();
        }
        Thread.currentThread().join();
    }

    private static WriteClaim claim(Producer producer) {
        WriteClaim claim;
        while ((claim = producer.tryClaim(8)) == null) {
            Thread.onSpinWait();
        }
        return claim;
    }

}
