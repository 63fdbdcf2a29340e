package io.parley.http;

import io.parley.testing.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket transport on {@code GET /v1/responses}, as the Open Responses spec defines it. */
class WebSocketTest extends ResponsesApiHarness {

  private static final Set<String> ENDS = Set.of("response.completed", "response.failed", "response.incomplete", "error");
  private final Vertx clientVertx = Vertx.vertx();
  /**
   * Held for the whole class: Vert.x closes a client (and its connections) once the client object is
   * unreachable, so a client created per connect could be collected, and its socket closed, mid-test.
   */
  private final WebSocketClient webSockets = clientVertx.createWebSocketClient();

  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }

  @AfterAll
  void closeClient() {
    clientVertx.close().await();
  }

  private record Socket(WebSocket ws, BlockingQueue<JsonObject> inbox, BlockingQueue<Boolean> closed) {
    void send(JsonObject message) {
      ws.writeTextMessage(message.encode()).await();
    }

    /** Every message up to and including the next terminal event or error. */
    List<JsonObject> turn() throws InterruptedException {
      List<JsonObject> events = new ArrayList<>();
      while (true) {
        JsonObject event = inbox.poll(15, TimeUnit.SECONDS);
        assertThat(event).as("a message arrived in time").isNotNull();
        events.add(event);
        if (ENDS.contains(event.getString("type"))) {
          return events;
        }
      }
    }
  }

  private Socket connect(Gateway target) {
    BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> closed = new LinkedBlockingQueue<>();
    WebSocket ws = webSockets
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(target.port()).setURI("/v1/responses"))
        .await();
    ws.textMessageHandler(text -> inbox.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.add(true));
    return new Socket(ws, inbox, closed);
  }

  private static JsonObject create(String input, String previous, boolean store) {
    JsonObject message = new JsonObject().put("type", "response.create").put("model", "m").put("input", input)
        .put("store", store);
    return previous == null ? message : message.put("previous_response_id", previous);
  }

  private static String last(List<JsonObject> events) {
    return events.get(events.size() - 1).getString("type");
  }

  private static String responseId(List<JsonObject> events) {
    return events.get(events.size() - 1).getJsonObject("response").getString("id");
  }

  @Test
  void storeFalseChainsContinueOnTheSameSocketAndTurnsAreSequential() throws Exception {
    Socket socket = connect(gateway);
    provider.replyText("first answer");
    socket.send(create("one", null, false));
    List<JsonObject> first = socket.turn();
    assertThat(first.get(0).getString("type")).isEqualTo("response.created");
    assertThat(last(first)).isEqualTo("response.completed");
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i).getInteger("sequence_number")).isEqualTo(i);
    }
    String id = responseId(first);
    assertThat(gateway.get("/v1/responses/" + id).status()).as("store:false is not persisted").isEqualTo(404);

    provider.replyText("second answer");
    socket.send(create("two", id, false));
    socket.send(create("three", null, false));
    List<JsonObject> second = socket.turn();
    assertThat(last(second)).isEqualTo("response.completed");
    assertThat(second.get(0).getString("type")).as("the next turn starts only after this one ended").isEqualTo("response.created");
    assertThat(provider.requests().get(1).body().getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(user("one")).add(assistant("first answer")).add(user("two")));
    List<JsonObject> third = socket.turn();
    assertThat(last(third)).isEqualTo("response.completed");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("three")));
  }

  @Test
  void aStoreFalseChainOnTheSocketCompactsPastItsThreshold() throws Exception {
    provider.behave((body, response) -> io.parley.testing.RecordingUpstream.text(
        body.encode().contains("Summarize the conversation") ? "SUMMARY of the walks" : "answer", body, response));
    Socket socket = connect(gateway);
    socket.send(create("walk ".repeat(1500), null, false));
    String first = responseId(socket.turn());
    socket.send(create("two", first, false).put("context_management", new JsonArray()
        .add(new JsonObject().put("type", "compaction").put("compact_threshold", 1000))));
    List<JsonObject> compacted = socket.turn();
    assertThat(last(compacted)).isEqualTo("response.completed");
    JsonObject item = compacted.get(compacted.size() - 1).getJsonObject("response").getJsonArray("output").getJsonObject(0);
    assertThat(item.getString("type")).isEqualTo("compaction");
    assertThat(item.fieldNames()).containsExactlyInAnyOrder("type", "id", "encrypted_content");

    socket.send(create("three", responseId(compacted), false));
    assertThat(last(socket.turn())).isEqualTo("response.completed");
    JsonArray sent = provider.lastMessages();
    assertThat(sent.getJsonObject(0).getString("content")).endsWith("SUMMARY of the walks");
    assertThat(sent).hasSize(4);
    assertThat(sent.getJsonObject(1)).isEqualTo(user("two"));
    assertThat(sent.getJsonObject(3)).isEqualTo(user("three"));
  }

  @Test
  void unknownOrEvictedStoreFalseIdsAreNotFoundInTheSpecsEnvelope() throws Exception {
    Socket socket = connect(gateway);
    socket.send(create("x", "resp_" + "0".repeat(48), false));
    JsonObject error = socket.turn().get(0);
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getInteger("status")).isEqualTo(400);
    assertThat(error.getJsonObject("error").getString("code")).isEqualTo("previous_response_not_found");
    assertThat(error.getJsonObject("error").getString("param")).isEqualTo("previous_response_id");

    socket.send(create("one", null, false));
    String id = responseId(socket.turn());
    provider.replyStatus(500, "{\"error\":{\"message\":\"boom\"}}");
    socket.send(create("two", id, false));
    assertThat(socket.turn().get(0).getJsonObject("error").getString("code")).isEqualTo("upstream_error");
    provider.replyText("fine");
    socket.send(create("again", id, false));
    assertThat(socket.turn().get(0).getJsonObject("error").getString("code"))
        .as("a failed continuation evicts its previous response").isEqualTo("previous_response_not_found");
  }

  @Test
  void storedResponsesContinueFromTheStoreAndTransportFieldsAreRejected() throws Exception {
    String stored = turn("over http", null, "http answer").getString("id");
    Socket socket = connect(gateway);
    socket.send(create("over ws", stored, true));
    List<JsonObject> events = socket.turn();
    assertThat(last(events)).isEqualTo("response.completed");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("over http")).add(assistant("http answer")).add(user("over ws")));
    assertThat(gateway.get("/v1/responses/" + responseId(events)).status()).isEqualTo(200);

    socket.send(create("x", null, true).put("stream", true));
    JsonObject error = socket.turn().get(0);
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getJsonObject("error").getString("param")).isEqualTo("stream");
  }

  @Test
  void theConnectionTimeLimitEndsTheSocketWithTheSpecsError() throws Exception {
    try (Gateway shortLived = startGateway(Map.of("PARLEY_WEBSOCKET_MAX_AGE", "1s"))) {
      Socket socket = connect(shortLived);
      JsonObject error = socket.inbox().poll(10, TimeUnit.SECONDS);
      assertThat(error).isNotNull();
      assertThat(error.getJsonObject("error").getString("code")).isEqualTo("websocket_connection_limit_reached");
      assertThat(socket.closed().poll(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
