import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * CI smoke check of a running sample app, with the JDK's own HTTP client (no curl
 * needed): waits until /actuator/health/logbuf/audit is UP, posts one event and expects
 * 202, then waits until the logbuf endpoint shows the record written to the archive.
 *
 * Usage: java .ci/SampleSmoke.java <port> <event text>
 */
public class SampleSmoke {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String event = args[1];
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://localhost:" + port;
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            try {
                HttpResponse<String> health = client.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/health/logbuf/audit")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    System.out.println("health: " + health.body());
                    break;
                }
            }
            catch (java.io.IOException ex) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the sample did not report the audit ring UP within 120 s");
            }
            Thread.sleep(500);
        }
        HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(base + "/events"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (posted.statusCode() != 202) {
            throw new IllegalStateException("POST /events answered " + posted.statusCode() + ": " + posted.body());
        }
        System.out.println("POST /events: 202");
        deadline = Instant.now().plusSeconds(30);
        while (true) {
            HttpResponse<String> ring = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/actuator/logbuf/audit")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ring.statusCode() == 200 && ring.body().matches("(?s).*\"recordsConsumed\":[1-9].*")
                    && ring.body().matches("(?s).*\"writtenSequence\":[0-9].*")) {
                System.out.println("logbuf endpoint: " + ring.body());
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the event did not reach the archive within 30 s: " + ring.body());
            }
            Thread.sleep(200);
        }
    }

}
