package dev.logbuf.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidRingPropertyException}: which ring, which property, which
 * value, where it was written and what to write instead.
 */
class InvalidRingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRingPropertyException cause) {
        String description = describe(cause.getRingName(), cause.getPropertyName(), cause.getValue(), cause.getOrigin(),
                cause.getProblem());
        return new FailureAnalysis(description, cause.getAction(), cause);
    }

    /**
     * The description every ring property analysis gives.
     * @param ring the ring's name
     * @param property the full property name
     * @param value the value as written, {@code null} when not set
     * @param origin where it was written, {@code null} when unknown
     * @param reason what is wrong
     * @return the description
     */
    static String describe(String ring, String property, String value, String origin, String reason) {
        StringBuilder description = new StringBuilder();
        description.append("The logbuf ring '").append(ring).append("' cannot be created.\n\n");
        description.append("    Property: ").append(property).append('\n');
        description.append("    Value: ").append((value != null) ? "\"" + value + "\"" : "(not set)").append('\n');
        if (origin != null) {
            description.append("    Origin: ").append(origin).append('\n');
        }
        description.append("    Reason: ").append(reason);
        return description.toString();
    }

}
