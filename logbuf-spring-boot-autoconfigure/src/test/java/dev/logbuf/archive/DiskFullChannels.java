package dev.logbuf.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * Test seam for the starter's tests: makes the segment channels of an
 * {@link ArchiveWriterBuilder} behave like a full disk while a condition holds (a write
 * stores half of what it was given, then fails with "No space left on device"). Lives in
 * the core's package to reach the builder's package-private channel opener; a real full
 * disk cannot be arranged in a test running as root.
 */
public final class DiskFullChannels {

    private DiskFullChannels() {
    }

    /**
     * Opens the builder's segments through channels that fail while {@code full} is true.
     */
    public static ArchiveWriterBuilder failWhile(ArchiveWriterBuilder builder, BooleanSupplier full) {
        return builder
            .channelOpener((segment) -> new DiskFullChannel(FileChannel.open(segment, StandardOpenOption.WRITE), full));
    }

    private static final class DiskFullChannel extends FileChannel {

        private final FileChannel delegate;

        private final BooleanSupplier full;

        DiskFullChannel(FileChannel delegate, BooleanSupplier full) {
            this.delegate = delegate;
            this.full = full;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (this.full.getAsBoolean()) {
                ByteBuffer half = src.duplicate();
                half.limit(half.position() + half.remaining() / 2);
                int written = this.delegate.write(half);
                src.position(src.position() + written);
                throw new IOException("No space left on device");
            }
            return this.delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (this.full.getAsBoolean()) {
                return write(srcs[offset]);
            }
            return this.delegate.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return this.delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return this.delegate.read(dsts, offset, length);
        }

        @Override
        public long position() throws IOException {
            return this.delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            this.delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return this.delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            this.delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            this.delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return this.delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return this.delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return this.delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return this.delegate.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return this.delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return this.delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return this.delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            this.delegate.close();
        }

    }

}
