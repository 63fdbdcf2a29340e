package io.parley.state;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis down, hung, or restarting under the gateway: a request that needs the store gets a 503
 * {@code store_unavailable} with {@code Retry-After} quickly (never a 500, never a hang); once the store is
 * known to be down, no provider call is made for a turn that would be lost; a write that fails after the
 * provider answered is retried; and the gateway recovers by itself when Redis is back.
 * Its own redis-server (the binary the tests get through Maven), so that it can be stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreFaultTest {

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private int redisPort;
  private RedisServer redis;

  @BeforeAll
  void start() throws IOException {
    redisPort = freePort();
    startRedis();
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_REDIS_URL", "redis://127.0.0.1:" + redisPort));
  }

  @AfterAll
  void stop() throws IOException {
    gateway.close();
    provider.close();
    providerVertx.close().await();
    stopRedis();
  }

  @BeforeEach
  void redisUp() throws Exception {
    if (redis == null || !redis.isActive()) {
      startRedis();
    }
    awaitReady();
    provider.reset();
  }

  @AfterEach
  void resetProvider() {
    provider.reset();
  }

  private JsonObject turn(String input) {
    return new JsonObject().put("model", "m").put("input", input);
  }

  @Test
  void aContinuationWhileRedisIsDownIsA503WithRetryAfterNotA500() throws Exception {
    String id = gateway.post("/v1/responses", turn("first")).json().getString("id");
    provider.requests().clear();
    stopRedis();
    long start = System.nanoTime();
    Reply reply = gateway.post("/v1/responses", turn("second").put("previous_response_id", id));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertStoreUnavailable(reply);
    assertThat(millis).as("answered within a second").isLessThan(1000);
    assertThat(gateway.get("/v1/responses/" + id).status()).isEqualTo(503);
    // The request that found Redis down may have had its provider call under way (a cached chain's check
    // runs alongside it, and cancels it); once the store is known down, none is made.
    provider.requests().clear();
    assertStoreUnavailable(gateway.post("/v1/responses", turn("third").put("previous_response_id", id)));
    assertThat(provider.requests()).as("no provider call while the store is known down").isEmpty();
  }

  @Test
  void onceTheStoreIsKnownDownAStoredTurnIsRefusedBeforeTheProviderIsCalled() throws Exception {
    stopRedis();
    // Any request that finds Redis down (here a read) opens the breaker; /readyz then says so at once.
    assertThat(gateway.get("/v1/responses/resp_" + "0".repeat(48)).status()).isEqualTo(503);
    assertThat(gateway.get("/readyz").status()).isEqualTo(503);
    long start = System.nanoTime();
    Reply reply = gateway.post("/v1/responses", turn("hello"));
    assertStoreUnavailable(reply);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(200);
    Sse.Stream stream = Sse.post(gateway, turn("hello").put("stream", true));
    assertThat(stream.status()).isEqualTo(503);
    assertThat(provider.requests()).as("no generation paid for and lost").isEmpty();

    Reply stateless = gateway.post("/v1/responses", turn("no store needed").put("store", false));
    assertThat(stateless.status()).as("store:false needs no store").isEqualTo(200);
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void theGatewayRecoversByItselfWhenRedisIsBack() throws Exception {
    String id = gateway.post("/v1/responses", turn("before")).json().getString("id");
    stopRedis();
    assertStoreUnavailable(gateway.post("/v1/responses", turn("during").put("previous_response_id", id)));
    long restarted = System.nanoTime();
    startRedis();
    Reply reply = null;
    while (System.nanoTime() - restarted < 5_000_000_000L) {
      reply = gateway.post("/v1/responses", turn("after"));
      if (reply.status() == 200) {
        break;
      }
      assertStoreUnavailable(reply);
      Thread.sleep(20);
    }
    assertThat(reply.status()).as("recovered without a restart").isEqualTo(200);
    System.out.printf("store fault: recovered %d ms after Redis restarted%n", (System.nanoTime() - restarted) / 1_000_000);
    String after = reply.json().getString("id");
    assertThat(gateway.post("/v1/responses", turn("next").put("previous_response_id", after)).status()).isEqualTo(200);
  }

  @Test
  void aWriteThatFailsAfterTheProviderAnsweredIsRetriedUntilRedisIsBack() throws Exception {
    provider.behave((body, response) -> providerVertx.setTimer(300,
        t -> RecordingUpstream.text("late answer", body, response)));
    Thread restart = new Thread(() -> {
      try {
        Thread.sleep(50);
        stopRedis();
        Thread.sleep(400);
        startRedis();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    restart.start();
    Reply reply = gateway.post("/v1/responses", turn("kept"));
    restart.join();
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    String id = reply.json().getString("id");
    assertThat(gateway.get("/v1/responses/" + id).status()).as("stored once Redis was back").isEqualTo(200);
  }

  @Test
  void aStreamWhoseTurnCannotBeStoredEndsFailedWithStoreUnavailable() throws Exception {
    provider.behave((body, response) -> {
      stopRedisQuietly();
      RecordingUpstream.text("never stored", body, response);
    });
    Sse.Stream stream = Sse.post(gateway, turn("streamed").put("stream", true));
    assertThat(stream.status()).isEqualTo(200);
    JsonObject last = stream.last().data();
    assertThat(last.getString("type")).isEqualTo("response.failed");
    // A failed response's error.code is one the SDKs know (the Java SDK rejects others); the message says why.
    JsonObject error = last.getJsonObject("response").getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("server_error");
    assertThat(error.getString("message")).contains("store (Redis) is unavailable");
  }

  @Test
  void aHungRedisTimesOutAsA503InsteadOfHoldingTheRequest() throws Exception {
    String id = gateway.post("/v1/responses", turn("first")).json().getString("id");
    Thread sleeper = new Thread(() -> command("DEBUG", "SLEEP", "2"));
    sleeper.start();
    Thread.sleep(100);
    long start = System.nanoTime();
    Reply reply = gateway.get("/v1/responses/" + id);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertStoreUnavailable(reply);
    assertThat(millis).as("within the Redis timeout (500 ms) and a little").isLessThan(1000);
    sleeper.join();
  }

  private static void assertStoreUnavailable(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(503);
    assertThat(reply.error().getString("code")).isEqualTo("store_unavailable");
    assertThat(reply.error().getString("type")).isEqualTo("server_error");
    assertThat(reply.header("retry-after")).isEqualTo("1");
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (gateway.get("/readyz").status() != 200) {
      assertThat(System.nanoTime()).as("gateway ready again").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private synchronized void startRedis() throws IOException {
    redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no")
        .soutListener(line -> { }).serrListener(line -> { }).build();
    redis.start();
  }

  private synchronized void stopRedis() throws IOException {
    if (redis != null && redis.isActive()) {
      redis.stop();
    }
  }

  private void stopRedisQuietly() {
    try {
      stopRedis();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A raw RESP command on its own connection (the gateway's pool must not be the one put to sleep). */
  private void command(String... args) {
    try (Socket socket = new Socket("127.0.0.1", redisPort)) {
      StringBuilder resp = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        resp.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
      }
      socket.getOutputStream().write(resp.toString().getBytes(StandardCharsets.UTF_8));
      socket.getInputStream().read();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
