package io.parley.mock;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A built-in OpenAI-compatible {@code /v1/chat/completions} on a loopback port, used when no provider is
 * configured, so Parley runs with nothing else installed. Streams one chunk per word. Each instance is one
 * replica with its own simulated prefix cache ({@code usage.prompt_tokens_details.cached_tokens}).
 */
public final class MockUpstreamVerticle extends VerticleBase {

  private static final int PREFIX_CACHE_ENTRIES = 200_000;

  private final PrefixCache cache = new PrefixCache(PREFIX_CACHE_ENTRIES);
  private HttpServer server;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/chat/completions").handler(BodyHandler.create(false)).handler(this::complete);
    router.get("/v1/models").handler(ctx -> ctx.json(new JsonObject().put("object", "list")
        .put("data", new JsonArray().add(new JsonObject().put("id", "mock").put("object", "model")))));
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(0, "127.0.0.1");
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void complete(RoutingContext ctx) {
    JsonObject request;
    try {
      request = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      request = null;
    }
    if (request == null || !(request.getValue("messages") instanceof JsonArray)) {
      ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("message", "messages is required")
              .put("type", "invalid_request_error").put("param", "messages").put("code", null)).encode());
      return;
    }
    MockReply reply = MockReply.to(request, cache);
    String id = "chatcmpl-mock" + Long.toHexString(System.nanoTime());
    String model = request.getString("model", "mock");
    if (request.getBoolean("stream", false)) {
      JsonObject options = request.getJsonObject("stream_options", new JsonObject());
      stream(ctx.response(), reply, id, model, options.getBoolean("include_usage", false));
      return;
    }
    JsonObject message = new JsonObject().put("role", "assistant").put("content", reply.text());
    ctx.json(base(id, model, "chat.completion")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("finish_reason", reply.finishReason)))
        .put("usage", reply.usage()));
  }

  private static void stream(HttpServerResponse response, MockReply reply, String id, String model, boolean usage) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    write(response, chunk(id, model, new JsonObject().put("role", "assistant").put("content", ""), null));
    for (String word : reply.words) {
      write(response, chunk(id, model, new JsonObject().put("content", word), null));
    }
    write(response, chunk(id, model, new JsonObject(), reply.finishReason));
    if (usage) {
      write(response, base(id, model, "chat.completion.chunk").put("choices", new JsonArray()).put("usage", reply.usage()));
    }
    response.end("data: [DONE]\n\n");
  }

  private static JsonObject chunk(String id, String model, JsonObject delta, String finishReason) {
    return base(id, model, "chat.completion.chunk").put("choices", new JsonArray()
        .add(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason)));
  }

  private static JsonObject base(String id, String model, String object) {
    return new JsonObject().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
        .put("model", model);
  }

  private static void write(HttpServerResponse response, JsonObject chunk) {
    response.write("data: " + chunk.encode() + "\n\n");
  }
}
