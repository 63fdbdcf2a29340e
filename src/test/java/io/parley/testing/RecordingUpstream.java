package io.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A fake Chat Completions provider for tests: records every request that reaches it (body and headers)
 * and answers with a scripted behaviour. By default it answers {@code "answer <n>"} for the n-th request,
 * as JSON or as an SSE stream depending on the request's {@code stream} flag.
 */
public final class RecordingUpstream implements AutoCloseable {

  public record Recorded(JsonObject body, Buffer raw, io.vertx.core.MultiMap headers, String path) {
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedEarly = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile BiConsumer<JsonObject, HttpServerResponse> behaviour = RecordingUpstream::answer;
  private volatile int modelsStatus = 200;

  public RecordingUpstream(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .connectionHandler(connection -> connections.incrementAndGet());
    server.listen(0, "127.0.0.1").await();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  public Vertx vertx() {
    return vertx;
  }

  /** How many connections were opened to this provider so far. */
  public int connections() {
    return connections.get();
  }

  public List<Recorded> requests() {
    return requests;
  }

  public JsonObject last() {
    return requests.get(requests.size() - 1).body();
  }

  public JsonArray lastMessages() {
    return last().getJsonArray("messages");
  }

  /** How many provider requests had their connection closed before the response was finished. */
  public int closedEarly() {
    return closedEarly.get();
  }

  public void behave(BiConsumer<JsonObject, HttpServerResponse> behaviour) {
    this.behaviour = behaviour;
  }

  /** What {@code GET /models} (the gateway's health check) answers from now on. */
  public void modelsStatus(int status) {
    modelsStatus = status;
  }

  public void reset() {
    requests.clear();
    closedEarly.set(0);
    behaviour = RecordingUpstream::answer;
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == io.vertx.core.http.HttpMethod.GET && request.path().endsWith("/models")) {
      // The gateway's replica health check: answered, not recorded.
      request.response().setStatusCode(modelsStatus).putHeader("content-type", "application/json")
          .end("{\"object\":\"list\",\"data\":[]}");
      return;
    }
    request.body().onSuccess(raw -> {
      JsonObject body = raw.toJsonObject();
      requests.add(new Recorded(body, raw, request.headers(), request.path()));
      HttpServerResponse response = request.response();
      response.closeHandler(v -> {
        if (!response.ended()) {
          closedEarly.incrementAndGet();
        }
      });
      behaviour.accept(body, response);
    });
  }

  /** The default behaviour: answer "answer n" (n counts requests) with usage, honouring {@code stream}. */
  private static void answer(JsonObject body, HttpServerResponse response) {
    text("answer", body, response);
  }

  public void replyText(String text) {
    behave((body, response) -> text(text, body, response));
  }

  public static void text(String text, JsonObject body, HttpServerResponse response) {
    JsonObject usage = Chunks.usage(11, 7, 3);
    if (body.getBoolean("stream", false)) {
      Chunks.sse(response);
      for (String word : text.split("(?<= )")) {
        Chunks.write(response, Chunks.delta(word));
      }
      Chunks.write(response, Chunks.finish("stop"));
      Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", usage));
      response.end("data: [DONE]\n\n");
    } else {
      response.putHeader("content-type", "application/json").end(Chunks.completion(text, "stop", usage).encode());
    }
  }

  public void replyStatus(int status, String body) {
    behave((b, response) -> response.setStatusCode(status).putHeader("content-type", "application/json").end(body));
  }

  @Override
  public void close() {
    server.close().await();
  }
}
