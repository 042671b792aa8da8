package dev.logbuf.spring.boot.autoconfigure;

import java.lang.annotation.Annotation;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.Set;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingProducer;
import dev.logbuf.spring.boot.autoconfigure.RingSettingsBinder.ConfiguredValue;

import org.springframework.beans.factory.InjectionPoint;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Explains a missing {@code Producer}, {@code RingBuffer} or {@code Consumer} bean of a
 * ring (or the {@code LogbufRings} registry), in place of Spring Boot's generic "required
 * a bean of type" analysis: logbuf is disabled ({@code logbuf.enabled=false}, and where
 * that was written), the qualified ring is not configured (naming the configured rings
 * and the closest name), a {@code Consumer} is wanted of a ring whose drain loop owns it,
 * or the injection point has no {@code @Qualifier} to say which ring.
 */
class RingInjectionFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
        implements Ordered {

    private final Environment environment;

    RingInjectionFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public int getOrder() {
        // before Spring Boot's NoSuchBeanDefinitionFailureAnalyzer, which is unordered
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause, String description) {
        Class<?> type = ringType(cause);
        if (type == null) {
            return null;
        }
        String what = (description != null) ? description : "An injection point";
        String qualifier = qualifier(rootFailure);
        String wanted = "@Qualifier(\"" + qualifier + "\") " + type.getName();
        Set<String> configured = configuredRings();
        String disabled = disabledBy();
        if (disabled != null) {
            return new FailureAnalysis(
                    what + " required " + ((qualifier != null) ? wanted : "a " + type.getName()) + ", but logbuf is"
                            + " disabled: " + disabled + ", so no ring is created"
                            + (configured.isEmpty() ? "." : " (configured rings: " + configured + ")."),
                    "Remove logbuf.enabled=false (or set it to true) to create the rings, or inject"
                            + " ObjectProvider<" + type.getSimpleName() + "> where the ring is optional.",
                    cause);
        }
        if (type == LogbufRings.class) {
            return null; // there whenever logbuf is enabled
        }
        if (qualifier == null) {
            String problem = (cause instanceof NoUniqueBeanDefinitionException)
                    ? "there is one per ring " + configured + " and nothing says which"
                    : "no ring is configured" + (configured.isEmpty() ? "" : " for it");
            return new FailureAnalysis(
                    what + " required a " + type.getName() + " without @Qualifier, but " + problem + ".",
                    "Name the ring with @Qualifier(\"<ring name>\")" + (configured.isEmpty()
                            ? ", and configure it under logbuf.rings.<ring name> (for example logbuf.rings.audit.type=mpsc)."
                            : ": one of " + configured + "."),
                    cause);
        }
        if (configured.contains(qualifier)) {
            if (type == Consumer.class) {
                return new FailureAnalysis(
                        what + " required " + wanted + ", but the ring '" + qualifier
                                + "' has a drain loop, which owns its one consumer.",
                        "Set " + RingProperty.DRAIN_ENABLED.name(qualifier) + "=false to read the ring yourself, or"
                                + " let the drain loop feed a handler (" + RingProperty.HANDLER.name(qualifier)
                                + ") or its archive (" + RingProperty.ARCHIVE_DIRECTORY.name(qualifier) + ").",
                        cause);
            }
            return null; // a ring that exists: Spring Boot's own analysis says more
        }
        String closest = configured.stream()
            .min(Comparator.comparingInt((name) -> RingProperty.distance(qualifier, name)))
            .orElse(null);
        return new FailureAnalysis(
                what + " required " + wanted + ", but no ring '" + qualifier + "' is configured under logbuf.rings"
                        + (configured.isEmpty() ? " (no ring is)." : "; configured rings: " + configured + "."),
                "Configure the ring under " + RingProperty.name(qualifier, "*") + " (for example "
                        + RingProperty.TYPE.name(qualifier) + "=mpsc and " + RingProperty.HANDLER.name(qualifier)
                        + "=<a RecordHandler bean>)"
                        + ((closest != null)
                                ? ", or correct the qualifier: did you mean @Qualifier(\"" + closest + "\")?" : "."),
                cause);
    }

    /** The logbuf type the missing bean was wanted as, or {@code null}. */
    private static Class<?> ringType(NoSuchBeanDefinitionException cause) {
        ResolvableType resolvable = cause.getResolvableType();
        Class<?> type = (resolvable != null) ? resolvable.resolve() : cause.getBeanType();
        if (type == Producer.class || type == RingBuffer.class || type == Consumer.class) {
            return type;
        }
        if (type == RingProducer.class || type == LogbufRings.class) {
            return type;
        }
        return null;
    }

    private static String qualifier(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnsatisfiedDependencyException unsatisfied && unsatisfied.getInjectionPoint() != null) {
                InjectionPoint injectionPoint = unsatisfied.getInjectionPoint();
                for (Annotation annotation : injectionPoint.getAnnotations()) {
                    if (annotation instanceof Qualifier qualifier) {
                        return qualifier.value();
                    }
                }
                return null;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * {@code logbuf.enabled is false (origin)}, or {@code null} when logbuf is enabled.
     */
    private String disabledBy() {
        if (this.environment.getProperty("logbuf.enabled", Boolean.class, true)) {
            return null;
        }
        ConfiguredValue value = RingSettingsBinder.configuredValue(this.environment, "logbuf.enabled");
        return "logbuf.enabled is " + ((value != null) ? value.text() : "false")
                + (((value != null) && (value.origin() != null)) ? " (" + value.origin() + ")" : "");
    }

    private Set<String> configuredRings() {
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(RingProperty.PREFIX);
        Set<String> names = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream()
                    .filter((name) -> prefix.isAncestorOf(name) && name.getNumberOfElements() > 3)
                    .forEach((name) -> names.add(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL)));
            }
        }
        return names;
    }

}
