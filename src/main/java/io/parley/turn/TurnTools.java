package io.parley.turn;

import io.parley.protocol.ModelRequest;
import io.parley.protocol.ServerTool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tool Parley runs in one turn: the request's MCP servers (with the listings this turn made and the calls
 * it carries from approvals) and its hosted tools on their operator backends.
 */
record TurnTools(McpToolset mcp, List<ServerSideTools> hosted) {

  static final TurnTools NONE = new TurnTools(McpToolset.NONE, List.of());

  TurnTools {
    hosted = List.copyOf(hosted);
  }

  List<ServerSideTools> all() {
    List<ServerSideTools> all = new ArrayList<>(hosted.size() + 1);
    if (!mcp.isEmpty()) {
      all.add(mcp);
    }
    all.addAll(hosted);
    return all;
  }

  boolean isEmpty() {
    return mcp.isEmpty() && hosted.isEmpty();
  }

  /** The request tool types that the model sees as {@link #functions()} instead. */
  Set<String> replaced() {
    Set<String> types = new LinkedHashSet<>();
    all().forEach(tools -> types.addAll(tools.replaces()));
    return types;
  }

  JsonArray functions() {
    JsonArray functions = new JsonArray();
    all().forEach(tools -> functions.addAll(tools.functions()));
    return functions;
  }

  Map<String, ServerTool> targets() {
    Map<String, ServerTool> targets = new LinkedHashMap<>();
    all().forEach(tools -> targets.putAll(tools.targets()));
    return targets;
  }

  /** {@code model} as the model is to see these tools: their functions in place of the tools they replace. */
  ModelRequest offeredTo(ModelRequest model) {
    return isEmpty() ? model : model.withTools(replaced(), functions(), targets());
  }

  /** The tools that run this pending call, or {@code null}. */
  ServerSideTools runner(JsonObject pending) {
    for (ServerSideTools tools : all()) {
      if (tools.runs(pending)) {
        return tools;
      }
    }
    return null;
  }
}
