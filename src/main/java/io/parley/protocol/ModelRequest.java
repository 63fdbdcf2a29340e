package io.parley.protocol;

import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Everything a provider call is built from: the validated request, the items of every earlier turn
 * (oldest first), and what the model may emit.
 */
public record ModelRequest(CreateRequest request, List<JsonArray> history, OutputPolicy policy) {

  public static ModelRequest of(CreateRequest request, List<JsonArray> history) {
    ToolHistory.validate(history, request.input());
    return new ModelRequest(request, history, OutputPolicy.of(request.raw()));
  }
}
