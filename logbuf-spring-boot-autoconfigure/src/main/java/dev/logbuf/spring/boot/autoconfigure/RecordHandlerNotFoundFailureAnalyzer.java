package dev.logbuf.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RecordHandlerNotFoundException}: the ring, the handler property, the
 * bean name written there, and the handler beans that exist.
 */
class RecordHandlerNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<RecordHandlerNotFoundException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RecordHandlerNotFoundException cause) {
        String property = RingProperty.HANDLER.name(cause.getRingName());
        StringBuilder description = new StringBuilder();
        description.append("The logbuf ring '").append(cause.getRingName()).append("' has no record handler.\n\n");
        description.append("    Property: ").append(property).append('\n');
        description.append("    Value: \"").append(cause.getHandlerName()).append("\"\n");
        description.append("    Reason: ");
        if (cause.getActualType() == null) {
            description.append("there is no bean named '").append(cause.getHandlerName()).append("'");
        }
        else {
            description.append("the bean named '")
                .append(cause.getHandlerName())
                .append("' is a ")
                .append(cause.getActualType())
                .append(", not a dev.logbuf.RecordHandler");
        }
        StringBuilder action = new StringBuilder();
        action.append("Declare a dev.logbuf.RecordHandler bean named '")
            .append(cause.getHandlerName())
            .append("', or set ")
            .append(property)
            .append(" to the name of an existing RecordHandler bean");
        if (cause.getAvailableHandlers().isEmpty()) {
            action.append(" (there is none yet)");
        }
        else {
            action.append(": ").append(String.join(", ", cause.getAvailableHandlers()));
        }
        action.append(". To read the ring yourself instead, set ")
            .append(RingProperty.DRAIN_ENABLED.name(cause.getRingName()))
            .append("=false and inject @Qualifier(\"")
            .append(cause.getRingName())
            .append("\") Consumer.");
        return new FailureAnalysis(description.toString(), action.toString(), cause);
    }

}
