package io.parley.turn;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.HoldingProvider;
import io.parley.testing.ResponsesSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A turn its client abandoned is never stored as completed, nor appended to its conversation, even when
 * the provider would have finished answering it had the gateway not cancelled the call.
 */
class CancelledTurnNotStoredTest extends HoldingProviderHarness {

  private static final String LATE = "LATE-ANSWER";
  /** How long after the provider's would-be answer the test keeps looking for what it must not find. */
  private static final int LOOKS = 5;

  private String conversation() {
    Reply created = gateway.post("/v1/conversations", new JsonObject());
    assertThat(created.status()).isEqualTo(200);
    return created.json().getString("id");
  }

  /** Waits until the provider would have answered, then watches the response for a while: never completed. */
  private void neverCompleted(HoldingProvider.Call call, String id) throws Exception {
    call.awaitSettled(Duration.ofSeconds(5));
    for (int i = 0; i < LOOKS; i++) {
      Reply reply = gateway.get("/v1/responses/" + id);
      assertThat(reply.status() == 404 || !"completed".equals(reply.json().getString("status")))
          .as("the abandoned response %s is not stored as completed: %d %s", id, reply.status(), reply.body()).isTrue();
      Thread.sleep(100);
    }
  }

  /** Waits until the provider would have answered, then watches the conversation for a while: the answer never appears. */
  private void answerNeverAppended(HoldingProvider.Call call, String conversation) throws Exception {
    call.awaitSettled(Duration.ofSeconds(5));
    for (int i = 0; i < LOOKS; i++) {
      Reply items = gateway.get("/v1/conversations/" + conversation + "/items?order=asc&limit=100");
      assertThat(items.status()).isEqualTo(200);
      assertThat(items.body()).as("the conversation's items after the turn was abandoned").doesNotContain(LATE);
      Thread.sleep(100);
    }
  }

  @Test
  void aStoredStreamWhoseClientLeavesMidStreamIsNotStoredAsCompleted() throws Exception {
    provider.plan(HoldingProvider.chunksThenFinish(1, Duration.ofMillis(500), LATE));
    String id;
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q").put("stream", true).put("store", true))) {
      client.readUntil("tick 1", Duration.ofSeconds(5));
      id = client.responseId();
    }

    neverCompleted(provider.awaitCall(0), id);
  }

  @Test
  void aConversationTurnWhoseClientLeavesBeforeTheProvidersHeadAddsNoAnswer() throws Exception {
    String conversation = conversation();
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(1), HoldingProvider.answer(LATE)));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q").put("conversation", conversation))) {
      provider.awaitCall(0);
    }

    answerNeverAppended(provider.awaitCall(0), conversation);
  }

  @Test
  void aStreamedConversationTurnWhoseClientLeavesBeforeTheProvidersHeadAddsNoAnswer() throws Exception {
    String conversation = conversation();
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(1), HoldingProvider.answer(LATE)));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses",
        new JsonObject().put("model", "m").put("input", "q").put("conversation", conversation).put("stream", true))) {
      provider.awaitCall(0);
    }

    answerNeverAppended(provider.awaitCall(0), conversation);
  }

  @Test
  void aWebSocketConversationTurnClosedBeforeTheProvidersHeadAddsNoAnswer() throws Exception {
    String conversation = conversation();
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(1), HoldingProvider.answer(LATE)));
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create("q").put("conversation", conversation));
      provider.awaitCall(0);
    }

    answerNeverAppended(provider.awaitCall(0), conversation);
  }

  @Test
  void aStoredWebSocketTurnClosedMidStreamIsNotStoredAsCompleted() throws Exception {
    provider.plan(HoldingProvider.chunksThenFinish(1, Duration.ofMillis(500), LATE));
    String id;
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create("q").put("store", true));
      id = socket.until("response.output_text.delta").get(0).getJsonObject("response").getString("id");
    }

    neverCompleted(provider.awaitCall(0), id);
  }
}
