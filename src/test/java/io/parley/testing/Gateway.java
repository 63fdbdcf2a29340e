package io.parley.testing;

import io.parley.Parley;
import io.parley.Transports;
import io.parley.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real gateway on a random loopback port, configured as a user would (through {@code PARLEY_*}
 * settings), with a plain HTTP client to talk to it.
 */
public final class Gateway implements AutoCloseable {

  private final Vertx vertx;
  private final Parley parley;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String apiKey;

  private Gateway(Vertx vertx, Parley parley, String apiKey) {
    this.vertx = vertx;
    this.parley = parley;
    this.apiKey = apiKey;
  }

  /** The same gateway, with requests sent as {@code Authorization: Bearer <key>}. */
  public Gateway as(String key) {
    return new Gateway(vertx, parley, key);
  }

  /**
   * @param settings {@code PARLEY_*} overrides, e.g. {@code PARLEY_UPSTREAM_URL}; the event loops run on the
   *     transport {@code PARLEY_TRANSPORT} names, {@code auto} unless given, as {@code Main} does
   */
  public static Gateway start(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_HOST", "127.0.0.1");
    env.put("PARLEY_PORT", "0");
    env.put("PARLEY_EVENT_LOOPS", "2");
    env.putAll(settings);
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(2);
    Vertx vertx = Vertx.builder().with(options)
        .withTransport(Transports.choose(env.getOrDefault("PARLEY_TRANSPORT", "auto"))).build();
    Parley parley = Parley.start(vertx, ConfigLoader.fromMap(env)).await();
    return new Gateway(vertx, parley, null);
  }

  public int port() {
    return parley.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public Reply post(String path, JsonObject body) {
    return post(path, body.encode());
  }

  public Reply post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST with extra request headers (e.g. {@code authorization}, {@code traceparent}, {@code x-request-id}). */
  public Reply post(String path, JsonObject body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    headers.forEach(request::header);
    return send(request);
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Reply delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  public HttpClient http() {
    return http;
  }

  private Reply send(HttpRequest.Builder request) {
    if (apiKey != null) {
      request.header("authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response.headers().firstValue("content-type").orElse(""),
          response.headers().firstValue("x-request-id").orElse(null), response.headers().map());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A reply from the gateway. */
  public record Reply(int status, String body, String contentType, String requestId, Map<String, List<String>> headers) {

    public Reply(int status, String body, String contentType, String requestId) {
      this(status, body, contentType, requestId, Map.of());
    }

    /** The first value of a response header (names are lower case), or {@code null}. */
    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  @Override
  public void close() {
    parley.close().await();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The running gateway itself, e.g. to start the graceful shutdown that SIGTERM starts. */
  public Parley parley() {
    return parley;
  }
}
