package io.parley.turn;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.HoldingProvider;
import io.parley.testing.ResponsesSocket;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With one stream per tenant ({@code PARLEY_MAX_STREAMS_PER_TENANT=1}), every way a streamed turn can end
 * gives its slot back: the tenant's next stream is served, not refused with
 * {@code 429 too_many_concurrent_streams}.
 */
class StreamSlotReleaseTest extends HoldingProviderHarness {

  /** How long a released slot may take to be seen free (a disconnect is noticed asynchronously). */
  private static final Duration RELEASE = Duration.ofSeconds(2);

  @Override
  Map<String, String> settings() {
    return Map.of("PARLEY_MAX_STREAMS_PER_TENANT", "1");
  }

  private static JsonObject stream(String input) {
    return new JsonObject().put("model", "m").put("input", input).put("stream", true);
  }

  /** An input that answers a tool call the chain never made: refused with 400 before any provider call. */
  private static JsonArray unknownCallOutput() {
    return new JsonArray().add(new JsonObject().put("type", "function_call_output").put("call_id", "call_unknown")
        .put("output", "{}"));
  }

  /** A stored turn to continue. */
  private String storedTurn() {
    Reply first = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hello"));
    assertThat(first.status()).isEqualTo(200);
    return first.json().getString("id");
  }

  /** The tenant's next stream is served in full (retrying a 429 for a moment while the release lands). */
  private void nextStreamIsServed(String after) throws InterruptedException {
    provider.plan(HoldingProvider.answer("next"));
    long deadline = System.nanoTime() + RELEASE.toNanos();
    Sse.Stream next = Sse.post(gateway, stream("next"));
    while (next.status() == 429 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      next = Sse.post(gateway, stream("next"));
    }
    assertThat(next.status()).as("the next stream after %s (still refused %d ms later: %s)", after,
        RELEASE.toMillis(), next.rawBody()).isEqualTo(200);
    assertThat(next.types()).endsWith("response.completed");
  }

  /** The tenant's next WebSocket turn is served in full (retrying a refusal for a moment while the release lands). */
  private void nextWebSocketTurnIsServed(ResponsesSocket socket, String after) throws InterruptedException {
    provider.plan(HoldingProvider.answer("next"));
    long deadline = System.nanoTime() + RELEASE.toNanos();
    List<JsonObject> turn;
    do {
      socket.send(ResponsesSocket.create("next"));
      turn = socket.turn();
    } while (isTooManyStreams(turn.get(0)) && System.nanoTime() < deadline && pause());
    assertThat(turn.get(turn.size() - 1).getString("type"))
        .as("the next WebSocket turn after %s: %s", after, turn.get(0)).isEqualTo("response.completed");
  }

  private static boolean isTooManyStreams(JsonObject event) {
    return "error".equals(event.getString("type"))
        && "too_many_concurrent_streams".equals(event.getJsonObject("error").getString("code"));
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(50);
    return true;
  }

  @Test
  void theCapRefusesASecondStreamWhileOneIsOpen() throws Exception {
    // Without this, every test below would pass on a gateway that ignored the cap.
    provider.plan(HoldingProvider.chunksThenHold(1));
    try (ClientConnection open = ClientConnection.post(gateway.port(), "/v1/responses", stream("held"))) {
      open.readUntil("response.output_text.delta", Duration.ofSeconds(5));
      Sse.Stream refused = Sse.post(gateway, stream("second"));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.rawBody()).contains("too_many_concurrent_streams");
    }
  }

  @Test
  void aContinuationRefusedWith400GivesItsSlotBack() throws Exception {
    String id = storedTurn();
    Sse.Stream refused = Sse.post(gateway, new JsonObject().put("model", "m").put("stream", true)
        .put("previous_response_id", id).put("input", unknownCallOutput()));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(new JsonObject(refused.rawBody()).getJsonObject("error").getString("message")).contains("call_unknown");

    nextStreamIsServed("a streamed continuation refused with 400");
  }

  @Test
  void aProvider500BeforeItsHeadGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.status(500));
    assertThat(Sse.post(gateway, stream("fails")).status()).isEqualTo(502);

    nextStreamIsServed("a provider 500");
  }

  @Test
  void aProviderStreamThatBreaksMidwayGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.breakAfter(2));
    Sse.Stream broken = Sse.post(gateway, stream("breaks"));
    assertThat(broken.types()).contains("response.output_text.delta").endsWith("response.failed");

    nextStreamIsServed("a provider stream that broke midway");
  }

  @Test
  void aClientThatLeavesMidStreamGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.chunksThenHold(2));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", stream("leaves"))) {
      client.readUntil("response.output_text.delta", Duration.ofSeconds(5));
    }

    nextStreamIsServed("a client that left mid-stream");
  }

  @Test
  void aClientThatLeavesBeforeTheProvidersHeadGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(30), HoldingProvider.answer("too late")));
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", stream("leaves early"))) {
      provider.awaitCall(0);
    }

    nextStreamIsServed("a client that left before the provider's head");
  }

  /**
   * Clients that leave the moment their request is sent, many times over: a close that lands before the turn's
   * close handler is set (while the turn is prepared) must still end the turn, or its slot stays taken for
   * as long as the provider holds its head (30 s here). A race: it caught the leak in the streaming-at-scale
   * benchmark (27 of 1,000 streams on epoll) before {@code ResponsesApi.reply} checked for a closed response.
   */
  @Test
  void clientsThatLeaveAtOnceGiveTheirSlotsBack() throws Exception {
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(30), HoldingProvider.answer("too late")));
    for (int i = 0; i < 30; i++) {
      ClientConnection.post(gateway.port(), "/v1/responses", stream("gone at once " + i)).closeNow();
    }
    Thread.sleep(200);
    nextStreamIsServed("clients that left the moment they had sent");
  }

  @Test
  void aFinishedStreamGivesTheSlotBack() throws Exception {
    Sse.Stream first = Sse.post(gateway, stream("first"));
    assertThat(first.types()).endsWith("response.completed");

    nextStreamIsServed("a finished stream");
    nextStreamIsServed("two finished streams");
  }

  @Test
  void aWebSocketTurnRefusedWith400GivesItsSlotBackToTheNextHttpStream() throws Exception {
    String id = storedTurn();
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create(unknownCallOutput()).put("previous_response_id", id));
      JsonObject error = socket.next();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getInteger("status")).isEqualTo(400);

      nextStreamIsServed("a WebSocket turn refused with 400");
    }
  }

  @Test
  void aWebSocketTurnRefusedWith400GivesItsSlotBackToTheNextTurn() throws Exception {
    String id = storedTurn();
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create(unknownCallOutput()).put("previous_response_id", id));
      JsonObject error = socket.next();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getInteger("status")).isEqualTo(400);

      nextWebSocketTurnIsServed(socket, "a WebSocket turn refused with 400");
    }
  }

  @Test
  void aWebSocketClosedMidStreamGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.chunksThenHold(2));
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create("then I leave"));
      socket.until("response.output_text.delta");
    }

    nextStreamIsServed("a WebSocket closed mid-stream");
  }

  @Test
  void aWebSocketClosedBeforeTheProvidersHeadGivesTheSlotBack() throws Exception {
    provider.plan(HoldingProvider.holdHead(Duration.ofSeconds(30), HoldingProvider.answer("too late")));
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      socket.send(ResponsesSocket.create("then I leave"));
      provider.awaitCall(0);
    }

    nextStreamIsServed("a WebSocket closed before the provider's head");
  }
}
