package dev.logbuf.spring.boot.autoconfigure;

/**
 * A {@code logbuf.rings.<name>.*} property holds a value the ring cannot be built with.
 * Thrown at start-up; {@link InvalidRingPropertyFailureAnalyzer} turns it into a
 * description naming the ring, the property and the value, and an action saying what to
 * write instead.
 */
public class InvalidRingPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String ringName;

    private final String propertyName;

    private final String value;

    private final String origin;

    private final String problem;

    private final String action;

    /**
     * @param ringName the ring's name (its key under {@code logbuf.rings})
     * @param propertyName the full property name, e.g.
     * {@code logbuf.rings.audit.capacity}
     * @param value the value as written, or {@code null} when it is missing
     * @param origin where the value was written (file and line), or {@code null}
     * @param problem what is wrong with it, e.g. "the capacity must be between 16B and
     * 1GB"
     * @param action what to write instead
     */
    public InvalidRingPropertyException(String ringName, String propertyName, String value, String origin,
            String problem, String action) {
        this(ringName, propertyName, value, origin, problem, action, null);
    }

    /**
     * @param ringName the ring's name (its key under {@code logbuf.rings})
     * @param propertyName the full property name
     * @param value the value as written, or {@code null} when it is missing
     * @param origin where the value was written (file and line), or {@code null}
     * @param problem what is wrong with it
     * @param action what to write or do instead
     * @param cause the failure the value led to, e.g. an archive directory that cannot be
     * created, or {@code null}
     */
    public InvalidRingPropertyException(String ringName, String propertyName, String value, String origin,
            String problem, String action, Throwable cause) {
        super("Invalid ring '" + ringName + "': " + propertyName + " = "
                + (value != null ? "'" + value + "'" : "(not set)") + ": " + problem, cause);
        this.ringName = ringName;
        this.propertyName = propertyName;
        this.value = value;
        this.origin = origin;
        this.problem = problem;
        this.action = action;
    }

    public String getRingName() {
        return this.ringName;
    }

    public String getPropertyName() {
        return this.propertyName;
    }

    /** The value as written, or {@code null} when the property is not set. */
    public String getValue() {
        return this.value;
    }

    /** Where the value was written (file and line), or {@code null} when unknown. */
    public String getOrigin() {
        return this.origin;
    }

    public String getProblem() {
        return this.problem;
    }

    public String getAction() {
        return this.action;
    }

}
