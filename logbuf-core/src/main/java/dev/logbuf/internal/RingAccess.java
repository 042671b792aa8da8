package dev.logbuf.internal;

import dev.logbuf.RingBuffer;

/**
 * Not API: may change without notice. Lets {@code dev.logbuf.channel} create rings whose
 * commits wake a parked receiver, without making that a public factory of
 * {@link RingBuffer}.
 */
public final class RingAccess {

    /**
     * Creates a ring of the given type and capacity whose publications signal
     * {@code signal}.
     */
    @FunctionalInterface
    public interface Factory {

        RingBuffer create(RingBuffer.Type type, int capacityBytes, PublishSignal signal);

    }

    private static volatile Factory factory;

    private RingAccess() {
    }

    /** Called once by {@link RingBuffer}'s static initializer. */
    public static void install(Factory ringFactory) {
        if (factory == null) {
            factory = ringFactory;
        }
    }

    /** A ring whose commits and aborts call {@code signal.signal()}. */
    public static RingBuffer signallingRing(RingBuffer.Type type, int capacityBytes, PublishSignal signal) {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(RingBuffer.class.getName(), true, RingBuffer.class.getClassLoader());
            }
            catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f.create(type, capacityBytes, signal);
    }

}
