package dev.logbuf.archive;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process {@link ArchiveCrashTest} kills: opens the archive in {@code args[0]}
 * (recovering it), prints {@code start <next sequence>}, then appends records as fast as
 * it can in batches with {@link FlushPolicy#BATCH} and prints {@code flushed <sequence>}
 * after every batch, once the batch is on the device. It never stops by itself.
 */
public final class ArchiveCrashChild {

    static final int SEGMENT_SIZE = 256 * 1024;
    static final int BATCH = 64;

    private ArchiveCrashChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        ArchiveWriter writer = ArchiveWriter.builder(Path.of(args[0]))
            .segmentSize(SEGMENT_SIZE)
            .flushPolicy(FlushPolicy.BATCH)
            .open();
        long sequence = writer.nextSequence();
        out.println("start " + sequence + " cut " + writer.recoveredTornTail().map(ArchiveProblem::length).orElse(0L));
        out.flush();
        while (true) {
            for (int i = 0; i < BATCH; i++) {
                ArchiveFixtures.append(writer, ArchiveFixtures.payload(sequence++));
            }
            writer.endOfBatch();
            out.println("flushed " + writer.flushedSequence());
            out.flush();
        }
    }

}
