package io.parley.turn;

import io.parley.protocol.ServerCalls;
import io.parley.protocol.ModelRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The rounds of one turn whose tools Parley runs: after each provider call, the calls it made to them are run
 * and the model is called again with the turn's input and its output so far, until it answers without
 * such calls, calls a client function or needs an approval (the client's move), or the turn's budget of
 * {@code max_tool_calls}, rounds or time runs out (then the response is {@code incomplete}).
 */
final class ToolLoop {

  private final TurnTools tools;
  private final ModelRequest first;
  private final McpSettings settings;
  private final long deadlineNanos;
  private int rounds = 1;

  ToolLoop(TurnTools tools, ModelRequest first, McpSettings settings) {
    this.tools = tools;
    this.first = first;
    this.settings = settings;
    this.deadlineNanos = System.nanoTime() + settings.turnTimeout().toNanos();
  }

  TurnTools tools() {
    return tools;
  }

  boolean active() {
    return !tools.isEmpty();
  }

  /** The items the turn's output starts with: the listings made now, then the calls carried from approvals. */
  List<JsonObject> opening() {
    List<JsonObject> items = new ArrayList<>(tools.mcp().listings());
    items.addAll(tools.mcp().carried());
    return items;
  }

  static List<JsonObject> pending(List<JsonObject> items) {
    return items.stream().filter(ServerCalls::isPending).toList();
  }

  /** Whether the client moves next: the round called one of its functions, or asked for an approval. */
  static boolean clientsMove(List<JsonObject> roundItems) {
    return roundItems.stream().map(item -> item.getString("type"))
        .anyMatch(type -> "function_call".equals(type) || "mcp_approval_request".equals(type));
  }

  /** Tool calls the model made in a round (each counts against {@code max_tool_calls}). */
  static int calls(List<JsonObject> roundItems) {
    return (int) roundItems.stream().map(item -> item.getString("type"))
        .filter(type -> "function_call".equals(type) || "mcp_approval_request".equals(type) || ServerCalls.isCall(type))
        .count();
  }

  /** Whether another round may start. */
  boolean withinBudget() {
    return rounds < settings.maxRounds() && System.nanoTime() < deadlineNanos;
  }

  /** Counts a round about to start. */
  void nextRound() {
    rounds++;
  }

  /** A provider call of this turn: the turn's input, then everything it output so far (nothing: the first call as prepared). */
  ModelRequest call(JsonArray outputSoFar, int callsMade) {
    JsonArray input = null;
    for (Object item : outputSoFar) {
      // A compaction item leading the output stands for what the call already sends in its place.
      if (!"compaction".equals(((JsonObject) item).getString("type"))) {
        if (input == null) {
          input = first.request().input().copy();
        }
        input.add(item);
      }
    }
    return input == null ? first : first.withInput(input, callsMade);
  }

  static List<JsonObject> list(JsonArray items, int from) {
    List<JsonObject> list = new ArrayList<>(items.size() - from);
    for (int i = from; i < items.size(); i++) {
      list.add(items.getJsonObject(i));
    }
    return list;
  }
}
