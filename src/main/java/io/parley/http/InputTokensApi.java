package io.parley.http;

import io.parley.turn.Prepared;
import io.parley.turn.TurnEngine;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.RequestParser;
import io.parley.tokens.TokenCounter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/responses/input_tokens}: the tokens the next turn would send (its chain or conversation,
 * input, instructions and tools), counted without calling the provider.
 */
final class InputTokensApi {

  private final TurnEngine engine;

  InputTokensApi(TurnEngine engine) {
    this.engine = engine;
  }

  Future<Void> count(RoutingContext ctx) {
    JsonObject body = RequestParser.parseJsonObject(ctx.body().buffer());
    // Counting needs neither: without a model the count is an o200k_base estimate; no input counts as none.
    if (!body.containsKey("model")) {
      body.put("model", "unknown");
    }
    if (!body.containsKey("input")) {
      body.put("input", new JsonArray());
    }
    CreateRequest request = RequestParser.parse(engine.prompts().resolve(body), true);
    return engine.prepareUnfitted(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request)
        .map(Prepared::model)
        .map(model -> ChatRequestBuilder.build(model.request(), model.history(), false))
        .compose(chat -> ctx.vertx().executeBlocking(() -> TokenCounter.countChatRequest(chat), false))
        .compose(tokens -> ctx.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("object", "response.input_tokens").put("input_tokens", tokens).toBuffer()));
  }

}
