package io.parley.ops;

import io.parley.auth.ApiKeys;
import io.parley.state.RedisResponseStore;
import io.parley.state.StoredResponse;
import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisSupport;
import io.parley.testing.Sse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code /healthz}, {@code /readyz} (draining, Redis loss and recovery) and the graceful shutdown that SIGTERM runs. */
class LifecycleTest {

  private static final int TICKS = 12;
  private static final long TICK_MS = 150;

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;

  @BeforeEach
  void startProvider() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    provider.close();
    providerVertx.close().await();
  }

  private Gateway start(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()));
    settings.putAll(extra);
    gateway = Gateway.start(settings);
    return gateway;
  }

  @Test
  void healthAndReadinessAnswerOkWhenAllIsWell() {
    start(Map.of());
    Reply health = gateway.get("/healthz");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "ok"));
    Reply ready = gateway.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
  }

  @Test
  void readinessFollowsRedisAndRecoversWhenItReturns() throws Exception {
    int port = freePort();
    RedisServer redis = redisOn(port);
    try {
      start(Map.of("PARLEY_REDIS_URL", "redis://127.0.0.1:" + port));
      assertThat(gateway.get("/readyz").status()).isEqualTo(200);

      redis.stop();
      Reply down = poll(() -> gateway.get("/readyz"), r -> r.status() == 503);
      assertThat(down.error().getString("code")).isEqualTo("store_unavailable");
      assertThat(down.error().getString("type")).isEqualTo("server_error");
      assertThat(down.error().getString("message")).contains("Redis");
      assertThat(gateway.get("/healthz").status()).as("the process is alive, only not ready").isEqualTo(200);

      redis = redisOn(port);
      poll(() -> gateway.get("/readyz"), r -> r.status() == 200);
    } finally {
      redis.stop();
    }
  }

  @Test
  void aStreamInFlightAtShutdownFinishesAndIsStoredWhileReadyzSays503() throws Exception {
    slowStream();
    start(Map.of("PARLEY_REDIS_URL", RedisSupport.url(),
        "PARLEY_SHUTDOWN_DELAY", "500ms", "PARLEY_SHUTDOWN_GRACE", "20s"));
    CompletableFuture<Sse.Stream> streaming = streamOverHttp11(
        new JsonObject().put("model", "m").put("input", "count slowly").put("stream", true));
    poll(() -> provider.requests().size(), n -> n == 1);

    long shutdownAt = System.nanoTime();
    Future<Void> stopping = gateway.parley().shutdown();

    Reply ready = gateway.get("/readyz");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.error().getString("code")).isEqualTo("draining");
    assertThat(gateway.get("/healthz").status()).isEqualTo(200);
    assertThat(streaming).as("the stream is still in flight").isNotDone();

    // After the delay the listeners are closed: new connections are refused, the stream goes on.
    Thread.sleep(800);
    assertThatThrownBy(() -> new Socket("127.0.0.1", gateway.port()).close()).isInstanceOf(ConnectException.class);
    assertThat(streaming).isNotDone();

    Sse.Stream stream = streaming.get(30, TimeUnit.SECONDS);
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.types()).endsWith("response.completed");
    assertThat(stream.done()).isTrue();
    stopping.await(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - shutdownAt)).isLessThan(Duration.ofSeconds(15));

    JsonObject completed = stream.last().data().getJsonObject("response");
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, RedisSupport.url());
      RedisResponseStore store = new RedisResponseStore(redis, false, Duration.ofMinutes(1));
      StoredResponse stored = store.get(ApiKeys.OPEN_TENANT, completed.getString("id")).await(10, TimeUnit.SECONDS);
      assertThat(stored).as("the turn finished during the drain is stored").isNotNull();
      assertThat(stored.response().getString("status")).isEqualTo("completed");
      assertThat(stored.response().getString("output_text")).isEqualTo("tick ".repeat(TICKS));
      redis.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedWhenTheListenersClose() throws Exception {
    start(Map.of("PARLEY_SHUTDOWN_DELAY", "0s", "PARLEY_SHUTDOWN_GRACE", "20s"));
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      assertThat(new String(buffer, 0, in.read(buffer), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

      long start = System.nanoTime();
      Future<Void> stopping = gateway.parley().shutdown();
      assertThat(in.read(buffer)).as("the idle connection is closed, not kept for the grace period").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      stopping.await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStreamThatOutlivesTheGraceIsCutAndShutdownStillEnds() throws Exception {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      providerVertx.setPeriodic(100, id -> {
        if (response.closed()) {
          providerVertx.cancelTimer(id);
        } else {
          Chunks.write(response, Chunks.delta("forever "));
        }
      });
    });
    start(Map.of("PARLEY_SHUTDOWN_DELAY", "0s", "PARLEY_SHUTDOWN_GRACE", "1s"));
    CompletableFuture<Sse.Stream> streaming = streamOverHttp11(
        new JsonObject().put("model", "m").put("input", "never ends").put("stream", true));
    poll(() -> provider.requests().size(), n -> n == 1);

    long start = System.nanoTime();
    gateway.parley().shutdown().await(15, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(streaming).failsWithin(Duration.ofSeconds(10));
  }

  /**
   * Streams over HTTP/1.1, as load balancers and SDKs talk to Parley. (Over h2c, Parley sends GOAWAY and
   * lets open streams finish, but the JDK 17 HttpClient fails in-flight streams on GOAWAY: JDK-8335181.)
   */
  private CompletableFuture<Sse.Stream> streamOverHttp11(JsonObject body) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/responses"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> Sse.parse(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body()));
  }

  /** The provider streams "tick " every {@value #TICK_MS} ms, {@value #TICKS} times: about two seconds. */
  private void slowStream() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      int[] sent = {0};
      providerVertx.setPeriodic(TICK_MS, id -> {
        if (sent[0]++ < TICKS) {
          Chunks.write(response, Chunks.delta("tick "));
          return;
        }
        providerVertx.cancelTimer(id);
        Chunks.write(response, Chunks.finish("stop"));
        Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", Chunks.usage(5, TICKS, 0)));
        response.end("data: [DONE]\n\n");
      });
    });
  }

  private static RedisServer redisOn(int port) throws IOException {
    RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no")
        .soutListener(line -> { }).serrListener(line -> { })
        .build();
    server.start();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static <T> T poll(Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    T value = probe.get();
    while (!done.test(value)) {
      assertThat(System.nanoTime()).as("condition not met within 10 s; last value " + value).isLessThan(deadline);
      Thread.sleep(50);
      value = probe.get();
    }
    return value;
  }
}
