package dev.logbuf.spring.boot.autoconfigure;

import java.util.List;

/**
 * The bean named by {@code logbuf.rings.<name>.handler} does not exist or is not a
 * {@link dev.logbuf.RecordHandler}. {@link RecordHandlerNotFoundFailureAnalyzer} explains
 * it and lists the handler beans that do exist.
 */
public class RecordHandlerNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final String handlerName;

    private final String actualType;

    private final List<String> availableHandlers;

    /**
     * @param ringName the ring whose handler is missing
     * @param handlerName the bean name from {@code logbuf.rings.<name>.handler}
     * @param actualType the type of the bean with that name when it is not a
     * RecordHandler, {@code null} when there is no such bean
     * @param availableHandlers names of the RecordHandler beans that do exist
     */
    public RecordHandlerNotFoundException(String ringName, String handlerName, String actualType,
            List<String> availableHandlers) {
        super("Ring '" + ringName + "': " + RingProperty.HANDLER.name(ringName) + " = '" + handlerName + "' but "
                + (actualType == null ? "there is no bean with that name"
                        : "that bean is a " + actualType + ", not a dev.logbuf.RecordHandler"));
        this.ringName = ringName;
        this.handlerName = handlerName;
        this.actualType = actualType;
        this.availableHandlers = List.copyOf(availableHandlers);
    }

    public String getRingName() {
        return this.ringName;
    }

    public String getHandlerName() {
        return this.handlerName;
    }

    /**
     * The type of the bean named like the handler when it is not a RecordHandler, else
     * {@code null}.
     */
    public String getActualType() {
        return this.actualType;
    }

    public List<String> getAvailableHandlers() {
        return this.availableHandlers;
    }

}
