package dev.logbuf.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Slow uploads (request bodies that trickle in) and {@code /actuator/health}: with the
 * sample's request handling on virtual threads ({@code spring.threads.virtual.enabled},
 * Java 21+), 300 uploads held open do not keep health from answering. On platform
 * threads, as many held uploads as the pool has threads do: the control case.
 */
class SampleSlowUploadsTests {

    @Test
    void threeHundredHeldUploadsDoNotStarveHealthOnVirtualThreads(@TempDir Path data) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 (this is "
                + Runtime.version().feature() + "): the sample then runs on platform threads");
        try (ConfigurableApplicationContext context = start(data)) {
            SampleHttp http = new SampleHttp(port(context));
            List<Socket> uploads = holdUploads(port(context), 300);
            try {
                // every upload is in the controller, reading its body
                await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> http.getJson("/actuator/metrics/http.server.requests.active")
                        .at("/measurements/0/value")
                        .asDouble() >= 300);
                assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
            }
            finally {
                closeAll(uploads);
            }
        }
    }

    @Test
    void onPlatformThreadsAsManyHeldUploadsAsThreadsStarveHealth(@TempDir Path data) throws Exception {
        try (ConfigurableApplicationContext context = start(data, "--spring.threads.virtual.enabled=false",
                "--server.tomcat.threads.max=8", "--server.tomcat.threads.min-spare=8")) {
            List<Socket> uploads = holdUploads(port(context), 8);
            try {
                SampleHttp http = new SampleHttp(port(context), Duration.ofSeconds(3));
                assertThatExceptionOfType(HttpTimeoutException.class).isThrownBy(() -> http.get("/actuator/health"));
            }
            finally {
                closeAll(uploads);
            }
        }
    }

    private static ConfigurableApplicationContext start(Path data, String... args) {
        List<String> all = new ArrayList<>(
                List.of("--server.port=0", "--logbuf.rings.audit.archive.directory=" + data.resolve("archive"),
                        "--logbuf.rings.audit.file=" + data.resolve("audit.ring")));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(SampleApplication.class).run(all.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Opens {@code count} connections, each sending a POST /events whose body announces
     * 1000 bytes and sends 10.
     */
    private static List<Socket> holdUploads(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        byte[] request = ("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 1000\r\n\r\n0123456789")
            .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket("localhost", port);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            sockets.add(socket);
        }
        return sockets;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            }
            catch (IOException ex) {
                // closing anyway
            }
        }
    }

}
