import java.lang.invoke.*;
import java.nio.*;
/**
 * Issue 15, "the drain's per-record overhead at large sizes": the consumer's read of every
 * payload byte as little-endian longs through a read-only direct ByteBuffer view (what a
 * RecordHandler is handed) against the same loop over a byte[], one thread, in cache,
 * best of 15 trials. Not part of the build: run it with a JDK's source launcher,
 *
 *   java logbuf-benchmarks/experiments/ReadDigest.java
 */
public class ReadDigest {
    static final VarHandle L = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static long bb(ByteBuffer b, int off, int len) { long s = 0; int end = off + len; int i = off; for (; i <= end - 8; i += 8) s += b.getLong(i); for (; i < end; i++) s += b.get(i); return s; }
    static long arr(byte[] b, int off, int len) { long s = 0; int end = off + len; int i = off; for (; i <= end - 8; i += 8) s += (long) L.get(b, i); for (; i < end; i++) s += b[i]; return s; }
    public static void main(String[] a) {
        int cap = 65536;
        ByteBuffer direct = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer ro = direct.slice(0, cap).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] arr = new byte[cap];
        long sink = 0;
        for (int len : new int[] {64, 2048}) {
            int reps = 50_000_000 / len * 8;
            long b1 = Long.MAX_VALUE, b2 = Long.MAX_VALUE;
            for (int t = 0; t < 15; t++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) { int off = (i * (len + 8)) & (cap - 1); if (off + len > cap) off = 0; ro.limit(off + len).position(off); sink += bb(ro, off, len); }
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) { int off = (i * (len + 8)) & (cap - 1); if (off + len > cap) off = 0; sink += arr(arr, off, len); }
                long t2 = System.nanoTime();
                b1 = Math.min(b1, t1 - t0); b2 = Math.min(b2, t2 - t1);
            }
            System.out.printf("len %5d: direct RO ByteBuffer %.1f ns (%.1f GB/s), byte[] %.1f ns (%.1f GB/s)%n", len, (double) b1 / reps, (double) len * reps / b1, (double) b2 / reps, (double) len * reps / b2);
        }
        System.out.println(sink);
    }
}
