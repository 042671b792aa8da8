package dev.logbuf.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.logbuf.Consumer;
import dev.logbuf.Producer;
import dev.logbuf.RecordHandler;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.ArchiveWriterCustomizer;
import dev.logbuf.spring.boot.LogbufNanoClock;
import dev.logbuf.spring.boot.LogbufRing;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingDrainLifecycle;
import dev.logbuf.spring.boot.RingKafkaShipper;
import dev.logbuf.spring.boot.RingProducer;
import dev.logbuf.spring.boot.RingSettings;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers the beans of every ring under {@code logbuf.rings} while the configuration
 * classes are read, so that later {@code @ConditionalOnBean} conditions see them: the
 * {@link LogbufRings} registry, and per ring its {@link RingBuffer}, {@link Producer},
 * and {@link Consumer} (drain disabled) or {@link RingDrainLifecycle} (drain enabled),
 * each qualified with the ring's name. Bad values fail here with an
 * {@link InvalidRingPropertyException}.
 *
 * <p>
 * <b>Spring AOT.</b> Every definition is a static factory method of this class with
 * constructor arguments (the ring's name, a reference to the registry) and an
 * {@link AutowireCandidateQualifier}, all of which AOT turns into code: an application
 * built with {@code process-aot} gets the rings configured at build time, with
 * {@code @Qualifier("<name>")} injection intact, without running this registrar again.
 * The registry's factory binds the ring properties again when the application starts, so
 * values (capacity, files, archive) are those of the run; it refuses to start when the
 * ring names or their drain settings differ from those the application was built with.
 */
class LogbufRingsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

    /** Name of the {@link LogbufRings} bean. */
    static final String RINGS_BEAN_NAME = "logbufRings";

    private Environment environment;

    private ClassLoader classLoader = LogbufRingsRegistrar.class.getClassLoader();

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
        RingSettingsBinder binder = new RingSettingsBinder(this.environment, this.classLoader);
        List<RingSettings> settings = binder.bind();
        String loggingRing = loggingRing(binder);
        RootBeanDefinition rings = factoryMethod("createRings", LogbufRings.class);
        rings.getConstructorArgumentValues().addIndexedArgumentValue(0, layout(settings, loggingRing));
        registry.registerBeanDefinition(RINGS_BEAN_NAME, rings);
        for (RingSettings ring : settings) {
            String name = ring.name();
            register(registry, beanName(name, "ringBuffer"), "createRingBuffer", RingBuffer.class, name);
            register(registry, beanName(name, "producer"), "createProducer", RingProducer.class, name);
            if (ring.kafka() != null) {
                // a class of its own: this one must load without Kafka on the class path
                register(registry, beanName(name, "kafka"), LogbufKafkaShippers.class, "createShipper",
                        RingKafkaShipper.class, name);
            }
            if (name.equals(loggingRing)) {
                continue; // drained by the logging appender (logbuf.logging.*), not by a
                          // loop of ours
            }
            if (ring.drainEnabled()) {
                register(registry, beanName(name, "drain"), "createDrain", RingDrainLifecycle.class, name);
            }
            else {
                register(registry, beanName(name, "consumer"), "createConsumer", Consumer.class, name);
            }
        }
    }

    /**
     * The bean name of one of a ring's beans, e.g. {@code logbuf.audit.producer}.
     * @param ring the ring's name
     * @param kind the bean's kind
     * @return the bean name
     */
    static String beanName(String ring, String kind) {
        return "logbuf." + ring + "." + kind;
    }

    /**
     * What the bean definitions depend on: per ring its name, whether it has a drain
     * loop, a consumer bean or the logging appender, and a Kafka shipper
     * ({@code audit:drain}, {@code manual:consumer}, {@code logs:logging},
     * {@code orders:drain+kafka}).
     */
    static String[] layout(List<RingSettings> settings, String loggingRing) {
        return settings.stream()
            .map((ring) -> ring.name() + ":"
                    + (ring.name().equals(loggingRing) ? "logging" : ring.drainEnabled() ? "drain" : "consumer")
                    + ((ring.kafka() != null) ? "+kafka" : ""))
            .toArray(String[]::new);
    }

    private static String loggingRing(RingSettingsBinder binder) {
        return (binder.logging() != null) ? binder.logging().ring() : null;
    }

    private static RootBeanDefinition factoryMethod(String method, Class<?> type) {
        return factoryMethod(LogbufRingsRegistrar.class, method, type);
    }

    private static RootBeanDefinition factoryMethod(Class<?> factory, String method, Class<?> type) {
        RootBeanDefinition definition = new RootBeanDefinition(factory);
        definition.setUniqueFactoryMethodName(method);
        definition.setTargetType(type);
        definition.setAutowireMode(AutowireCapableBeanFactory.AUTOWIRE_CONSTRUCTOR);
        return definition;
    }

    private static void register(BeanDefinitionRegistry registry, String beanName, String method, Class<?> type,
            String ring) {
        register(registry, beanName, LogbufRingsRegistrar.class, method, type, ring);
    }

    private static void register(BeanDefinitionRegistry registry, String beanName, Class<?> factory, String method,
            Class<?> type, String ring) {
        RootBeanDefinition definition = factoryMethod(factory, method, type);
        // the registry closes the rings, after everything that uses them: not the
        // RingBuffer bean (an AutoCloseable), which may be destroyed before its users
        definition.setDestroyMethodName("");
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(RINGS_BEAN_NAME));
        definition.getConstructorArgumentValues().addIndexedArgumentValue(1, ring);
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, ring));
        registry.registerBeanDefinition(beanName, definition);
    }

    /**
     * The {@link LogbufRings} bean: binds and checks the ring properties of this run and
     * makes the rings.
     * @param layout the rings the bean definitions were registered for
     * @param environment the environment
     * @param clock the clock bean, if any
     * @param archiveWriterCustomizers the archive customizer beans
     * @param loggingRing the logging ring, made before the context by the logging
     * listener ({@code logbuf.logging.*}), if any
     * @param beanFactory the bean factory, whose class loader {@code kafka.topic} needs
     * @return the registry
     */
    static LogbufRings createRings(String[] layout, Environment environment, ObjectProvider<LogbufNanoClock> clock,
            ObjectProvider<ArchiveWriterCustomizer> archiveWriterCustomizers, ObjectProvider<LogbufRing> loggingRing,
            BeanFactory beanFactory) {
        boolean enabled = environment.getProperty("logbuf.enabled", Boolean.class, true);
        ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable
                && configurable.getBeanClassLoader() != null) ? configurable.getBeanClassLoader()
                        : LogbufRingsRegistrar.class.getClassLoader();
        RingSettingsBinder binder = new RingSettingsBinder(environment, classLoader);
        List<RingSettings> settings = enabled ? binder.bind() : List.of();
        String[] current = layout(settings, loggingRing(binder));
        if (!enabled || !Arrays.equals(layout, current)) {
            // with AOT, the definitions are generated code from the build's configuration
            throw new RingsChangedSinceBuildException(layout, current, !enabled);
        }
        LogbufNanoClock nanoClock = clock.getIfAvailable(LogbufNanoClock::system);
        List<LogbufRing> rings = new ArrayList<>(settings.size());
        try {
            LogbufRing made = loggingRing.getIfAvailable();
            for (RingSettings ring : settings) {
                // the logging ring exists before the context (its appender outlives it)
                rings.add((made != null && made.settings().equals(ring)) ? made
                        : new LogbufRing(ring, nanoClock, () -> archiveWriterCustomizers.orderedStream().toList()));
            }
        }
        catch (RuntimeException ex) {
            rings.forEach(LogbufRing::close);
            throw ex;
        }
        return new LogbufRings(rings);
    }

    static RingBuffer createRingBuffer(LogbufRings rings, String name) {
        return rings.get(name).ringBuffer();
    }

    static RingProducer createProducer(LogbufRings rings, String name) {
        return rings.get(name).producer();
    }

    static Consumer createConsumer(LogbufRings rings, String name) {
        return rings.get(name).consumer();
    }

    static RingDrainLifecycle createDrain(LogbufRings rings, String name, BeanFactory beanFactory) {
        LogbufRing ring = rings.get(name);
        String handlerName = ring.settings().handler();
        RecordHandler handler = null;
        if (handlerName != null) {
            handler = handler(beanFactory, name, handlerName);
            if (beanFactory instanceof ConfigurableBeanFactory configurable) {
                // the handler outlives its drain loop: stopped and destroyed after it
                configurable.registerDependentBean(handlerName, beanName(name, "drain"));
            }
        }
        return new RingDrainLifecycle(ring, handler);
    }

    private static RecordHandler handler(BeanFactory beanFactory, String ring, String handlerName) {
        if (!beanFactory.containsBean(handlerName)) {
            throw new RecordHandlerNotFoundException(ring, handlerName, null, handlerBeanNames(beanFactory));
        }
        if (!beanFactory.isTypeMatch(handlerName, RecordHandler.class)) {
            Class<?> actual = beanFactory.getType(handlerName);
            throw new RecordHandlerNotFoundException(ring, handlerName,
                    (actual != null) ? ClassUtils.getQualifiedName(actual) : "bean of unknown type",
                    handlerBeanNames(beanFactory));
        }
        return beanFactory.getBean(handlerName, RecordHandler.class);
    }

    private static List<String> handlerBeanNames(BeanFactory beanFactory) {
        if (beanFactory instanceof ListableBeanFactory listable) {
            return Arrays.asList(listable.getBeanNamesForType(RecordHandler.class));
        }
        return List.of();
    }

}
