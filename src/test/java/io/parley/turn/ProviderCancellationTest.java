package io.parley.turn;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
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
 * A client that goes away cancels the provider request at once, wherever the turn was: waiting for the
 * provider's head, or relaying its stream. The target is 100 ms; the bound asserted is 1 s, so machine
 * noise cannot fail it, while a provider that is not cancelled holds for 30 s. Each case prints what it
 * measured.
 */
class ProviderCancellationTest extends HoldingProviderHarness {

  private static final Duration BOUND = Duration.ofMillis(1000);
  private static final Duration HOLD = Duration.ofSeconds(30);

  private static JsonObject request(boolean stream) {
    return new JsonObject().put("model", "m").put("input", "take your time").put("stream", stream);
  }

  /** Asserts the provider saw its request's connection closed within {@link #BOUND} of the client leaving, and prints the figure. */
  private static void abortedPromptly(String ending, HoldingProvider.Call call, long clientClosedAt) throws Exception {
    long ms = call.abortedWithin(clientClosedAt, BOUND);
    System.out.println("[provider-cancel] " + ending + ": " + (ms >= 0
        ? "provider request aborted " + ms + " ms after the client closed"
        : "provider request still open " + BOUND.toMillis() + " ms after the client closed"));
    assertThat(ms).as("ms from the client closing (%s) to the provider request being aborted; -1: not within %d ms",
        ending, BOUND.toMillis()).isBetween(0L, BOUND.toMillis());
  }

  @Test
  void aNonStreamClientGoneBeforeTheProvidersHeadCancelsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("too late")));
    ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", request(false));
    HoldingProvider.Call call = provider.awaitCall(0);

    abortedPromptly("non-stream, before the provider's head", call, client.closeNow());
  }

  @Test
  void aStreamClientGoneBeforeTheProvidersHeadCancelsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("too late")));
    ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", request(true));
    HoldingProvider.Call call = provider.awaitCall(0);

    abortedPromptly("stream, before the provider's head", call, client.closeNow());
  }

  @Test
  void aStreamClientGoneMidBodyCancelsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.chunksThenHold(2));
    ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", request(true));
    HoldingProvider.Call call = provider.awaitCall(0);
    client.readUntil("tick 2", Duration.ofSeconds(5));

    abortedPromptly("stream, mid-body", call, client.closeNow());
  }

  @Test
  void aWebSocketClosedBeforeTheProvidersHeadCancelsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.holdHead(HOLD, HoldingProvider.answer("too late")));
    ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port());
    socket.send(ResponsesSocket.create("take your time"));
    HoldingProvider.Call call = provider.awaitCall(0);

    abortedPromptly("WebSocket turn, before the provider's head", call, socket.closeNow());
  }

  @Test
  void aWebSocketClosedMidStreamCancelsTheProviderRequest() throws Exception {
    provider.plan(HoldingProvider.chunksThenHold(2));
    ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port());
    socket.send(ResponsesSocket.create("take your time"));
    HoldingProvider.Call call = provider.awaitCall(0);
    socket.until("response.output_text.delta");

    abortedPromptly("WebSocket turn, mid-stream", call, socket.closeNow());
  }
}
