package dev.logbuf.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sample.debug-endpoints=false} removes {@code POST /debug/stall} and
 * {@code POST /debug/stall/release}.
 */
class SampleDebugEndpointsDisabledTests {

    @Test
    void debugStallIsGoneWhenDebugEndpointsAreOff(@TempDir Path archive, @TempDir Path rings) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
                "--server.port=0", "--logbuf.rings.audit.archive.directory=" + archive,
                "--logbuf.rings.audit.file=" + rings.resolve("audit.ring"), "--sample.debug-endpoints=false")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            SampleHttp http = new SampleHttp(port);
            assertThat(http.post("/debug/stall?ring=audit&ms=100", new byte[0]).statusCode()).isEqualTo(404);
            assertThat(http.post("/debug/stall/release?ring=audit", new byte[0]).statusCode()).isEqualTo(404);
            assertThat(http.post("/events", "still here".getBytes()).statusCode()).isEqualTo(202);
        }
    }

}
