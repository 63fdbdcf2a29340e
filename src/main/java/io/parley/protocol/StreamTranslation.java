package io.parley.protocol;

import io.vertx.core.json.JsonArray;
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

  // ---- several provider calls in one response (a turn with tools Parley runs); a protocol that
  // ---- cannot relay them says so with supportsRounds() and the engine refuses such turns up front

  default boolean supportsRounds() {
    return false;
  }

  /** Closes the open item at the end of one provider call, leaving the response open. */
  default List<JsonObject> endRound() {
    throw new UnsupportedOperationException();
  }

  /** Readies the next provider call of the same response; {@code roundPolicy} has what is left of its tool-call budget. */
  default void nextRound(OutputPolicy roundPolicy) {
    throw new UnsupportedOperationException();
  }

  /** The output items so far (the live list: Parley's pending calls are replaced in it when they finish). */
  default JsonArray output() {
    throw new UnsupportedOperationException();
  }

  /** Whether {@code max_tool_calls} cut a call. */
  default boolean cut() {
    throw new UnsupportedOperationException();
  }

  /** Ends the response {@code incomplete} for {@code max_tool_calls}: the turn's tool budget ran out. */
  default void cutShort() {
    throw new UnsupportedOperationException();
  }

  /** Appends an item Parley made (an {@code mcp_list_tools}): its added event, then {@code progress} events. */
  default List<JsonObject> added(JsonObject item, List<String> progress) {
    throw new UnsupportedOperationException();
  }

  /** A progress event (e.g. {@code response.mcp_call.in_progress}) for an output item. */
  default List<JsonObject> progress(JsonObject item, String type) {
    throw new UnsupportedOperationException();
  }

  /** The item finished: it replaces the output entry with its id; {@code progressType} (if any), then its done event. */
  default List<JsonObject> done(JsonObject item, String progressType) {
    throw new UnsupportedOperationException();
  }
}
