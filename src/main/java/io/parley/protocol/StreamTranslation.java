package io.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Provider stream data → Responses events for one response, numbered in order. One implementation per
 * provider protocol; the relay that writes the events to the client does not know which.
 */
public interface StreamTranslation {

  /** {@code response.created} and {@code response.in_progress}. */
  List<JsonObject> start();

  /** Events for one parsed {@code data:} payload from the provider. */
  List<JsonObject> onChunk(JsonObject chunk);

  /** Closing events; afterwards {@link #response()} is the finished response, ready to store. */
  List<JsonObject> finish(long completedAt);

  JsonObject response();

  JsonObject terminalEvent();

  JsonObject failedEvent(ApiError error);
}
