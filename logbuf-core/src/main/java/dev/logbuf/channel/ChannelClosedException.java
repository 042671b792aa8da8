package dev.logbuf.channel;

/**
 * Thrown by a {@link Sender} once its handle or the receiver is closed, and by the
 * {@link Receiver} once every sender is closed and every record committed before that has
 * been received (or once the receiver itself is closed).
 */
public class ChannelClosedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ChannelClosedException(String message) {
        super(message);
    }

}
