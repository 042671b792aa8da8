package dev.logbuf.spring.boot.autoconfigure.logging;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidLoggingPropertyException}: which property, which value, where
 * it was written and what to write instead.
 */
class InvalidLoggingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLoggingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLoggingPropertyException cause) {
        StringBuilder description = new StringBuilder();
        description.append("The application's logs cannot go through a logbuf ring.\n\n");
        description.append("    Property: ").append(cause.getPropertyName()).append('\n');
        description.append("    Value: ")
            .append((cause.getValue() != null) ? "\"" + cause.getValue() + "\"" : "(not set)")
            .append('\n');
        if (cause.getOrigin() != null) {
            description.append("    Origin: ").append(cause.getOrigin()).append('\n');
        }
        description.append("    Reason: ").append(cause.getProblem());
        return new FailureAnalysis(description.toString(), cause.getAction(), cause);
    }

}
