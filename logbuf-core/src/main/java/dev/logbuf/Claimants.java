package dev.logbuf;

/**
 * Maps the claimant id in a record header (the low 32 bits of the claiming thread's id)
 * back to a thread name, for monitoring only. Producers pay nothing beyond writing the
 * id; the lookup enumerates live platform threads and so runs only when a monitor asks
 * about a blocked claim.
 */
final class Claimants {

    private Claimants() {
    }

    @SuppressWarnings("deprecation") // Thread.threadId() needs Java 19; getId() is the
                                     // same number
    static String nameOf(int claimantId) {
        if (claimantId == 0) {
            return null;
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        if (root == null) {
            return null;
        }
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if ((int) threads[i].getId() == claimantId) {
                return threads[i].getName();
            }
        }
        return null;
    }

}
