package dev.logbuf.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RingsChangedSinceBuildException}: which rings changed since the
 * application's bean definitions were generated, and how to build or run it instead.
 */
class RingsChangedSinceBuildFailureAnalyzer extends AbstractFailureAnalyzer<RingsChangedSinceBuildException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RingsChangedSinceBuildException cause) {
        // only generated bean definitions (Spring AOT) can outlive the configuration
        // they were made from
        StringBuilder description = new StringBuilder();
        description.append("This application was built with Spring AOT (process-aot): the beans of its logbuf rings"
                + " were generated for the rings configured at build time, and the rings configured now differ.");
        description.append("\n\n");
        if (cause.isDisabled()) {
            description.append("    logbuf.enabled is false now, but was true when the beans were generated for ")
                .append(cause.getBuilt())
                .append('\n');
        }
        else {
            for (String difference : cause.differences()) {
                description.append("    Ring ").append(difference).append('\n');
            }
        }
        String action = "Build the application again (process-aot) with the configuration it runs with, for"
                + " example with the rings in the application.yml packaged in the jar, so that their beans are"
                + " generated; or run it without -Dspring.aot.enabled=true to configure the rings at run time.";
        return new FailureAnalysis(description.toString().stripTrailing(), action, cause);
    }

}
