package io.parley.http;

import io.parley.protocol.Compaction;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.OutputView;
import io.parley.protocol.RequestParser;
import io.parley.protocol.ResponseObject;
import io.parley.upstream.Forwarded;
import io.parley.upstream.Cancellation;
import io.parley.turn.Prepared;
import io.parley.turn.Summary;
import io.parley.turn.TurnEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;


/**
 * {@code POST /v1/responses/compact}: returns a compacted input window ({@code response.compaction}) for
 * the client to start a new chain with: an opaque {@code compaction} item sealing the summary of the older
 * part, then the latest user turn onwards verbatim. What is kept is {@link Compaction}'s rule.
 */
final class CompactionApi {

  private final TurnEngine engine;

  CompactionApi(TurnEngine engine) {
    this.engine = engine;
  }

  Future<Void> compact(RoutingContext ctx) {
    JsonObject body = RequestParser.parseJsonObject(ctx.body().buffer());
    if (!body.containsKey("input")) {
      body.put("input", new JsonArray());
    }
    CreateRequest request = engine.parse(body);
    // A client that leaves stops the summary call too.
    Cancellation cancel = new Cancellation();
    ctx.response().closeHandler(v -> cancel.cancel());
    if (ctx.response().closed()) {
      cancel.cancel();
    }
    return engine.prepareWithItems(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request)
        .map(Prepared::model)
        .compose(model -> compact(model, Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY),
            Exchange.of(ctx).forwarded, cancel))
        // Kept calls of tools Parley ran show what the request's include asks for, as in any output.
        .map(result -> result.put("output", OutputView.of(request).items(result.getJsonArray("output"))))
        .compose(result -> ctx.response().putHeader("content-type", "application/json").end(result.toBuffer()));
  }

  private Future<JsonObject> compact(ModelRequest model, String tenant, String providerKey, Forwarded forwarded,
      Cancellation cancel) {
    JsonArray window = Compaction.window(model.history(), model.request().input());
    int keepFrom = Compaction.keepFrom(window);
    if (keepFrom == 0) {
      return Future.succeededFuture(result(window, null));
    }
    JsonArray older = new JsonArray(window.getList().subList(0, keepFrom));
    return Summary.of(engine.upstream(), engine.protocol(), model.request().model(), older, providerKey, forwarded, cancel)
        .map(output -> result(Compaction.compacted(engine.compactionSeal().seal(tenant, ResponseObject.outputText(output.output())),
            window, keepFrom), output));
  }

  private static JsonObject result(JsonArray output, ModelOutput summary) {
    JsonObject usage = summary != null && summary.usage() != null ? summary.usage() : new JsonObject()
        .put("input_tokens", 0).put("input_tokens_details", new JsonObject().put("cached_tokens", 0).put("cache_write_tokens", 0))
        .put("output_tokens", 0).put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0)).put("total_tokens", 0);
    return new JsonObject()
        .put("id", Ids.newItemId("cmp"))
        .put("object", "response.compaction")
        .put("created_at", System.currentTimeMillis() / 1000)
        .put("output", output)
        .put("usage", usage);
  }
}
