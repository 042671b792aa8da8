package dev.logbuf.spring.boot.autoconfigure.logging;

/**
 * A {@code logbuf.logging.*} property holds a value the application's logging cannot be
 * sent through a ring with. Thrown at start-up, right after Spring Boot initialized
 * logging; {@link InvalidLoggingPropertyFailureAnalyzer} turns it into a description
 * naming the property, the value and where it was written, and an action.
 */
public class InvalidLoggingPropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String propertyName;

    private final String value;

    private final String origin;

    private final String problem;

    private final String action;

    /**
     * @param propertyName the full property name, e.g. {@code logbuf.logging.format}
     * @param value the value as written, or {@code null} when it is not set
     * @param origin where the value was written (file and line), or {@code null}
     * @param problem what is wrong with it
     * @param action what to write or do instead
     * @param cause the failure the value led to, or {@code null}
     */
    public InvalidLoggingPropertyException(String propertyName, String value, String origin, String problem,
            String action, Throwable cause) {
        super("Invalid " + propertyName + " = " + ((value != null) ? "'" + value + "'" : "(not set)") + ": " + problem,
                cause);
        this.propertyName = propertyName;
        this.value = value;
        this.origin = origin;
        this.problem = problem;
        this.action = action;
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
