package dev.logbuf.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP against the sample on localhost, with the JDK client. */
final class SampleHttp {

    private static final JsonMapper JSON = new JsonMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    private final Duration timeout;

    SampleHttp(int port) {
        this(port, Duration.ofSeconds(20));
    }

    /**
     * @param port the sample's port
     * @param timeout how long a request may take
     */
    SampleHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return post(path, "application/octet-stream", body);
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .timeout(this.timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        return this.client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(this.timeout).GET().build();
        return this.client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        return json(get(path));
    }

    /** Whether {@code /actuator/health/logbuf/audit} says {@code UP}. */
    boolean auditUp() throws IOException, InterruptedException {
        return "UP".equals(getJson("/actuator/health/logbuf/audit").get("status").asString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + this.port + path);
    }

}
