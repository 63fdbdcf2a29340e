package io.parley.protocol;

import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Everything a provider call is built from: the validated request, the items of every earlier turn
 * (oldest first), what the model may emit, and the client's own provider key in pass-through mode
 * ({@code null} otherwise: the configured key is used).
 */
public record ModelRequest(CreateRequest request, List<JsonArray> history, OutputPolicy policy, String providerKey) {

  public static ModelRequest of(CreateRequest request, List<JsonArray> history, String providerKey) {
    ToolHistory.validate(history, request.input());
    return new ModelRequest(request, history, OutputPolicy.of(request.raw()), providerKey);
  }
}
