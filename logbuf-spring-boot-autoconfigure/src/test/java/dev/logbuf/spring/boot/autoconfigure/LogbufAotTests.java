package dev.logbuf.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.logbuf.Producer;
import dev.logbuf.RingBuffer;
import dev.logbuf.spring.boot.LogbufRings;
import dev.logbuf.spring.boot.RingKafkaShipper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The starter under Spring AOT: the bean definitions of the rings configured at build
 * time are generated as code, compiled, and a context is started from that code alone
 * (the registrar does not run again), as {@code process-aot} and
 * {@code -Dspring.aot.enabled=true} do. {@code @Qualifier("<name>")} injection works;
 * values are bound at run time; a ring set changed at run time is reported clearly.
 */
@CompileWithForkedClassLoader
class LogbufAotTests {

    private static final String[] BUILD = { "logbuf.rings.audit.handler=recordingHandler",
            "logbuf.rings.audit.capacity=64KB", "logbuf.rings.manual.drain.enabled=false",
            "logbuf.rings.manual.type=spsc" };

    @Test
    void qualifiedRingBeansAreInjectedInAContextStartedFromGeneratedCode() {
        compileAndStart(BUILD, BUILD, (context) -> {
            LogbufRings rings = context.getBean(LogbufRings.class);
            assertThat(rings.names()).containsExactly("audit", "manual");
            Users users = context.getBean(Users.class);
            assertThat(users.audit()).isSameAs(rings.get("audit").producer());
            assertThat(users.manualRing()).isSameAs(rings.get("manual").ringBuffer());
            assertThat(users.manualConsumer()).isSameAs(rings.get("manual").consumer());
            assertThat(users.audit().offer("through AOT".getBytes())).isTrue();
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.texts().contains("through AOT"));
            assertThat(handler.threadNames()).containsOnly("logbuf-drain-audit");
        });
    }

    @Test
    void ringValuesAreThoseOfTheRun() {
        String[] run = BUILD.clone();
        run[1] = "logbuf.rings.audit.capacity=1MB";
        compileAndStart(BUILD, run, (context) -> assertThat(context.getBean(LogbufRings.class).get("audit").capacity())
            .isEqualTo(1024 * 1024));
    }

    @Test
    void aRingAddedAtRunTimeIsReportedWithTheRingsOfTheBuild() {
        String[] run = { BUILD[0], BUILD[1], BUILD[2], BUILD[3], "logbuf.rings.extra.drain.enabled=false" };
        FailureAnalysis analysis = failedStart(BUILD, run);
        assertThat(analysis.getDescription()).contains(
                "Ring 'extra' is configured now (a Consumer bean, drain.enabled=false) but was not at build time");
        assertThat(analysis.getAction()).contains("Build the application again (process-aot)")
            .contains("or run it without -Dspring.aot.enabled=true");
    }

    @Test
    void aRingWhoseDrainWasSwitchedAtRunTimeIsReported() {
        String[] run = { BUILD[0], BUILD[1], "logbuf.rings.manual.handler=recordingHandler", BUILD[3] };
        FailureAnalysis analysis = failedStart(BUILD, run);
        assertThat(analysis.getDescription())
            .contains("Ring 'manual' had a Consumer bean, drain.enabled=false at build time and has a drain loop now");
    }

    @Test
    void logbufDisabledAtRunTimeIsReported() {
        String[] run = { BUILD[0], BUILD[1], BUILD[2], BUILD[3], "logbuf.enabled=false" };
        FailureAnalysis analysis = failedStart(BUILD, run);
        assertThat(analysis.getDescription())
            .contains("logbuf.enabled is false now, but was true when the beans were generated for"
                    + " [audit:drain, manual:consumer]");
    }

    @Test
    void aKafkaShipperIsGeneratedAndStartsAfterItsRingsArchiveOpened(@TempDir Path archive) {
        String[] build = withKafkaRing(archive);
        compileAndStart(build, build, (context) -> {
            RingKafkaShipper shipper = context.getBean("logbuf.shipped.kafka", RingKafkaShipper.class);
            assertThat(context.getBean(LogbufRings.class).get("shipped").kafka()).containsSame(shipper);
            assertThat(shipper.isRunning()).isTrue();
            assertThat(shipper.topic()).isEqualTo("orders");
            // the checkpoint the shipper made at its start, in the directory the archive
            // writer made when the drain loop opened it
            assertThat(archive.resolve("kafka-orders.checkpoint")).isRegularFile();
            // the shipper stops after the drain loop (its lower phase): Spring stops a
            // bean's dependents first, so it must not be one of the drain loop's
            assertThat(context.getBeanFactory().getDependentBeans("logbuf.shipped.drain"))
                .doesNotContain("logbuf.shipped.kafka");
            assertThat(shipper.getPhase())
                .isLessThan(context.getBean("logbuf.shipped.drain", SmartLifecycle.class).getPhase());
        });
    }

    @Test
    void aKafkaTopicRemovedAtRunTimeIsReported(@TempDir Path archive) {
        String[] build = withKafkaRing(archive);
        String[] run = Arrays.stream(build)
            .filter((property) -> !property.startsWith("logbuf.rings.shipped.kafka"))
            .toArray(String[]::new);
        FailureAnalysis analysis = failedStart(build, run);
        assertThat(analysis.getDescription())
            .contains("Ring 'shipped' had a drain loop and a Kafka shipper at build time and has a drain loop now");
    }

    private static String[] withKafkaRing(Path archive) {
        String[] build = Arrays.copyOf(BUILD, BUILD.length + 3);
        build[BUILD.length] = "logbuf.rings.shipped.archive.directory=" + archive;
        build[BUILD.length + 1] = "logbuf.rings.shipped.kafka.topic=orders";
        build[BUILD.length + 2] = "spring.kafka.bootstrap-servers=localhost:9";
        return build;
    }

    private FailureAnalysis failedStart(String[] build, String[] run) {
        Throwable[] failure = new Throwable[1];
        compile(build, (initializer) -> {
            GenericApplicationContext context = new GenericApplicationContext();
            context.setEnvironment(environment(run));
            initializer.initialize(context);
            assertThatException().isThrownBy(context::refresh).satisfies((ex) -> failure[0] = ex);
        });
        FailureAnalysis analysis = new RingsChangedSinceBuildFailureAnalyzer().analyze(failure[0]);
        assertThat(analysis).as("analysis of %s", failure[0]).isNotNull();
        return analysis;
    }

    private void compileAndStart(String[] build, String[] run, Consumer<GenericApplicationContext> assertions) {
        compile(build, (initializer) -> {
            try (GenericApplicationContext context = new GenericApplicationContext()) {
                context.setEnvironment(environment(run));
                initializer.initialize(context);
                context.refresh();
                assertions.accept(context);
            }
        });
    }

    private void compile(String[] build, Consumer<ApplicationContextInitializer<GenericApplicationContext>> started) {
        GenericApplicationContext buildContext = new GenericApplicationContext();
        buildContext.setEnvironment(environment(build));
        AnnotationConfigUtils.registerAnnotationConfigProcessors(buildContext);
        buildContext.registerBean(Application.class);
        TestGenerationContext generationContext = new TestGenerationContext(Application.class);
        ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(buildContext,
                generationContext);
        generationContext.writeGeneratedContent();
        TestCompiler.forSystem()
            .with(generationContext)
            .compile((compiled) -> started
                .accept(compiled.getInstance(ApplicationContextInitializer.class, initializerName.toString())));
    }

    private static StandardEnvironment environment(String[] properties) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String property : properties) {
            int equals = property.indexOf('=');
            values.put(property.substring(0, equals), property.substring(equals + 1));
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", values));
        ConfigurationPropertySources.attach(environment);
        return environment;
    }

    @Configuration(proxyBeanMethods = false)
    @Import(LogbufAutoConfiguration.class)
    public static class Application {

        @Bean
        public RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }

        @Bean
        public Users users(@Qualifier("audit") Producer audit, @Qualifier("manual") RingBuffer manualRing,
                @Qualifier("manual") dev.logbuf.Consumer manualConsumer) {
            return new Users(audit, manualRing, manualConsumer);
        }

    }

    /** Beans injected by qualifier. */
    public record Users(Producer audit, RingBuffer manualRing, dev.logbuf.Consumer manualConsumer) {
    }

}
