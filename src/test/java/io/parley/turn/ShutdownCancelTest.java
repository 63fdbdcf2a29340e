package io.parley.turn;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.HoldingProvider;
import io.parley.testing.RedisSupport;
import io.parley.testing.ResponsesSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graceful shutdown gives turns in flight their grace, then cancels what is left: the provider
 * request is aborted once the grace is over and no later than grace + 1 s after {@code Parley.shutdown()},
 * and a cut turn is not stored as completed (read afterwards through another replica on the same Redis).
 */
class ShutdownCancelTest {

  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final String LATE = "LATE-ANSWER";

  private Vertx providerVertx;
  private HoldingProvider provider;
  private Gateway gateway;
  private Gateway other;
  private Vertx clientVertx;
  private WebSocketClient webSockets;

  @BeforeEach
  void start() {
    providerVertx = Vertx.vertx();
    provider = new HoldingProvider(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_REDIS_URL", RedisSupport.url(),
        "PARLEY_SHUTDOWN_DELAY", "0s", "PARLEY_SHUTDOWN_GRACE", GRACE.toMillis() + "ms"));
    clientVertx = Vertx.vertx();
    webSockets = clientVertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    clientVertx.close().await();
    gateway.close();
    if (other != null) {
      other.close();
    }
    provider.close();
    providerVertx.close().await();
  }

  /**
   * Shuts the gateway down and asserts the provider request was aborted once the grace was over, and no
   * later than grace + 1 s; prints the figure.
   */
  private void shutdownAbortsAfterTheGrace(String what, HoldingProvider.Call call) throws Exception {
    long shutdownAt = System.nanoTime();
    Future<Void> stopping = gateway.parley().shutdown();
    long ms = call.abortedWithin(shutdownAt, GRACE.plus(SLACK));
    System.out.println("[shutdown-cancel] " + what + ": " + (ms >= 0
        ? "provider request aborted " + ms + " ms after shutdown() (grace " + GRACE.toMillis() + " ms)"
        : "provider request still open " + GRACE.plus(SLACK).toMillis() + " ms after shutdown()"));
    stopping.await(15, TimeUnit.SECONDS);
    // Not before the grace either: a turn in flight is given the grace to finish (docs/operations.md, graceful shutdown).
    assertThat(ms).as("ms from shutdown() to the provider request being aborted (%s): below %d ms is before the"
        + " grace ended, -1 is still open at grace + %d ms", what, GRACE.toMillis(), SLACK.toMillis())
        .isBetween(GRACE.toMillis() - 50, GRACE.plus(SLACK).toMillis());
  }

  /** After the provider would have answered, another replica on the same Redis does not have the turn as completed. */
  private void notStoredAsCompleted(HoldingProvider.Call call, String id) throws Exception {
    call.awaitSettled(Duration.ofSeconds(10));
    other = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_REDIS_URL", RedisSupport.url()));
    Reply reply = other.get("/v1/responses/" + id);
    assertThat(reply.status() == 404 || !"completed".equals(reply.json().getString("status")))
        .as("the turn cut by the shutdown is not stored as completed: %d %s", reply.status(), reply.body()).isTrue();
  }

  @Test
  void aStreamStillRunningWhenTheGraceEndsIsCancelledAndNotStored() throws Exception {
    provider.plan(HoldingProvider.chunksThenFinish(1, GRACE.plusSeconds(2), LATE));
    String id;
    HoldingProvider.Call call;
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q").put("stream", true).put("store", true))) {
      client.readUntil("tick 1", Duration.ofSeconds(5));
      id = client.responseId();
      call = provider.awaitCall(0);
      shutdownAbortsAfterTheGrace("stream mid-body", call);
    }
    notStoredAsCompleted(call, id);
  }

  @Test
  void aStreamWaitingForTheProvidersHeadWhenTheGraceEndsIsCancelled() throws Exception {
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(30), HoldingProvider.answer(LATE)));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q").put("stream", true))) {
      shutdownAbortsAfterTheGrace("stream before the provider's head", provider.awaitCall(0));
    }
  }

  @Test
  void aRequestWaitingForTheProvidersHeadWhenTheGraceEndsIsCancelled() throws Exception {
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(30), HoldingProvider.answer(LATE)));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q"))) {
      shutdownAbortsAfterTheGrace("non-stream before the provider's head", provider.awaitCall(0));
    }
  }

  @Test
  void aWebSocketTurnStillRunningWhenTheGraceEndsIsCancelledAndNotStored() throws Exception {
    provider.plan(HoldingProvider.chunksThenFinish(1, GRACE.plusSeconds(2), LATE));
    String id;
    HoldingProvider.Call call;
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create("q").put("store", true));
      id = socket.until("response.output_text.delta").get(0).getJsonObject("response").getString("id");
      call = provider.awaitCall(0);
      shutdownAbortsAfterTheGrace("WebSocket turn mid-stream", call);
    }
    notStoredAsCompleted(call, id);
  }
}
