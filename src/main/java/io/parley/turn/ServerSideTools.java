package io.parley.turn;

import io.parley.protocol.ServerTool;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * Tools of one kind that Parley runs for the model in a turn's tool loop (a request's MCP servers, a hosted
 * {@code web_search} or {@code code_interpreter} on its operator backend): what the model is offered, what its
 * calls become, and how one is run. One instance per turn; the loop runs every kind the same way.
 */
interface ServerSideTools {

  /** The request tool types these tools stand in for (the model is offered {@link #functions()} instead). */
  Set<String> replaces();

  /** The tools as Responses function tools, for the model. */
  JsonArray functions();

  /** Function name → the tool Parley runs for it, which makes the calls into its items. */
  Map<String, ServerTool> targets();

  /** Whether a pending output item (a call the model made) is one of these tools' to run. */
  boolean runs(JsonObject pending);

  /**
   * Runs one call. Never fails: what went wrong goes into the finished item (same id as the pending one), so the
   * model is told and the turn goes on.
   */
  Future<JsonObject> run(JsonObject pending, Cancellation cancel);
}
