package io.parley.protocol;

import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Everything a provider call is built from: the validated request, the items of every earlier turn
 * (oldest first), what the model may emit, and the client's own provider key in pass-through mode
 * ({@code null} otherwise: the configured key is used).
 *
 * @param routingKey what keeps the calls of one chain on one provider replica (so its prompt cache stays hot):
 *                   the request's {@code prompt_cache_key} when it gives one, else the chain's own key; may be {@code null}
 */
public record ModelRequest(CreateRequest request, List<JsonArray> history, OutputPolicy policy, String providerKey,
    String routingKey) {

  /** A call outside any chain: routed by {@code prompt_cache_key} if the request has one. */
  public static ModelRequest of(CreateRequest request, List<JsonArray> history, String providerKey) {
    return of(request, history, providerKey, null);
  }

  /** @param chainKey identifies the chain (or conversation) the call continues */
  public static ModelRequest of(CreateRequest request, List<JsonArray> history, String providerKey, String chainKey) {
    ToolHistory.validate(history, request.input());
    String routingKey = request.raw().getValue("prompt_cache_key") instanceof String key && !key.isEmpty() ? key : chainKey;
    return new ModelRequest(request, history, OutputPolicy.of(request.raw()), providerKey, routingKey);
  }
}
