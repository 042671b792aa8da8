package dev.logbuf.archive;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.drain.DrainAgent;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The process {@link ArchiveExactlyOnceTest} kills: reopens the file-backed ring
 * {@code args[0]} (recovering what it holds) and the archive {@code args[1]}, drains the
 * ring into the archive with a {@link DrainAgent}, and produces records
 * {@code (round = args[2], index)} for index 0, 1, 2, ... as fast as the ring takes them.
 * It prints {@code committed <index> skipped <n>} every 500 records; it never stops by
 * itself.
 */
public final class ArchiveRingCrashChild {

    static final int RING_CAPACITY = 256 * 1024;

    private ArchiveRingCrashChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        RingBuffer ring = RingBuffer.mpsc(Path.of(args[0]), RING_CAPACITY);
        ArchiveWriter archive = ArchiveWriter.builder(Path.of(args[1]))
            .segmentSize(512 * 1024)
            .flushPolicy(FlushPolicy.BATCH)
            .open();
        int round = Integer.parseInt(args[2]);
        out.println("start recovered " + ring.recovery().records());
        out.flush();
        DrainAgent agent = DrainAgent.builder(ring, ring.consumer()).sink(archive).batchLimit(64).build();
        agent.start();
        Producer producer = ring.producer();
        byte[] record = new byte[48];
        ByteBuffer view = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        for (int index = 0;; index++) {
            view.putInt(0, round).putInt(4, index);
            while (!producer.offer(record)) {
                Thread.onSpinWait();
            }
            if (index % 500 == 0) {
                out.println("committed " + index + " skipped " + archive.recordsSkipped());
                out.flush();
            }
        }
    }

}
