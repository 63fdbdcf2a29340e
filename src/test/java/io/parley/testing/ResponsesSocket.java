package io.parley.testing;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client of the WebSocket transport ({@code GET /v1/responses} upgraded), one message per event. */
public final class ResponsesSocket implements AutoCloseable {

  private static final Set<String> ENDS = Set.of("response.completed", "response.failed", "response.incomplete", "error");

  private final WebSocket ws;
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();

  private ResponsesSocket(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> inbox.add(new JsonObject(text)));
  }

  /**
   * @param client held by the test for its whole run: Vert.x closes a client's connections once the client
   *               object is unreachable
   */
  public static ResponsesSocket connect(WebSocketClient client, int port) {
    return new ResponsesSocket(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/v1/responses")).await());
  }

  /** A {@code response.create} message for model {@code m}. */
  public static JsonObject create(Object input) {
    return new JsonObject().put("type", "response.create").put("model", "m").put("input", input);
  }

  public void send(JsonObject message) {
    ws.writeTextMessage(message.encode()).await();
  }

  /** The next message, waiting up to 5 s for it. */
  public JsonObject next() throws InterruptedException {
    JsonObject event = inbox.poll(5, TimeUnit.SECONDS);
    if (event == null) {
      throw new AssertionError("no message from the gateway within 5 s");
    }
    return event;
  }

  /** Messages up to the first of type {@code type}, inclusive. */
  public List<JsonObject> until(String type) throws InterruptedException {
    List<JsonObject> events = new ArrayList<>();
    JsonObject event;
    do {
      event = next();
      events.add(event);
    } while (!type.equals(event.getString("type")));
    return events;
  }

  /** Every message up to and including the turn's terminal event or error. */
  public List<JsonObject> turn() throws InterruptedException {
    List<JsonObject> events = new ArrayList<>();
    JsonObject event;
    do {
      event = next();
      events.add(event);
    } while (!ENDS.contains(event.getString("type")));
    return events;
  }

  /** Closes the socket (close frame, then the connection) and returns {@link System#nanoTime()} taken just before. */
  public long closeNow() {
    long at = System.nanoTime();
    close();
    return at;
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
  }
}
