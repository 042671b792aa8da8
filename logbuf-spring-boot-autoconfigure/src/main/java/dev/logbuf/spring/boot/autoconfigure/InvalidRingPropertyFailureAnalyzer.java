package dev.logbuf.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidRingPropertyException}: which ring, which property, which
 * value and what to write instead.
 */
class InvalidRingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRingPropertyException cause) {
        StringBuilder description = new StringBuilder();
        description.append("The logbuf ring '").append(cause.getRingName()).append("' cannot be created.\n\n");
        description.append("    Property: ").append(cause.getPropertyName()).append('\n');
        description.append("    Value: ")
            .append(cause.getValue() != null ? "\"" + cause.getValue() + "\"" : "(not set)")
            .append('\n');
        if (cause.getOrigin() != null) {
            description.append("    Origin: ").append(cause.getOrigin()).append('\n');
        }
        description.append("    Reason: ").append(cause.getProblem());
        return new FailureAnalysis(description.toString(), cause.getAction(), cause);
    }

}
