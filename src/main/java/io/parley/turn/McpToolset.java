package io.parley.turn;

import io.parley.mcp.McpServer;
import io.parley.mcp.McpTool;
import io.parley.protocol.McpNames;
import io.parley.protocol.McpTarget;
import io.parley.protocol.McpToolSpec;
import io.parley.protocol.ServerTool;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MCP servers of one turn and their allowed tools, each offered to the model as a function
 * ({@link McpNames}), the {@code mcp_list_tools} items this turn made (a listing reused from the chain
 * makes none), and the calls it carries from the client's approvals (approved ones still to run).
 *
 * @param calling runs the calls (with the MCP client and its timeout)
 */
record McpToolset(List<Server> servers, List<JsonObject> listings, List<JsonObject> carried, McpCalling calling)
    implements ServerSideTools {

  static final McpToolset NONE = new McpToolset(List.of(), List.of(), List.of(), null);

  /** One server: how to reach it (with its credentials) and the tools the request allows. */
  public record Server(McpToolSpec spec, McpServer server, List<McpTool> tools) {
  }

  boolean isEmpty() {
    return servers.isEmpty();
  }

  @Override
  public Set<String> replaces() {
    return Set.of("mcp");
  }

  /** Function name → the tool it stands for, and whether a call needs approval. */
  @Override
  public Map<String, ServerTool> targets() {
    Map<String, ServerTool> targets = new LinkedHashMap<>();
    for (Server server : servers) {
      for (McpTool tool : server.tools()) {
        targets.put(McpNames.function(server.spec().label(), tool.name()),
            new McpTarget(server.spec().label(), tool.name(), server.spec().approval().required(tool.name())));
      }
    }
    return targets;
  }

  /** The tools as Responses function tools, for the model. */
  @Override
  public JsonArray functions() {
    JsonArray functions = new JsonArray();
    for (Server server : servers) {
      for (McpTool tool : server.tools()) {
        String description = tool.description() != null ? tool.description() : "";
        if (server.spec().description() != null) {
          description = description + " (" + server.spec().description() + ")";
        }
        functions.add(new JsonObject().put("type", "function")
            .put("name", McpNames.function(server.spec().label(), tool.name()))
            .put("description", description)
            .put("parameters", tool.inputSchema() != null ? tool.inputSchema()
                : new JsonObject().put("type", "object").put("properties", new JsonObject()))
            .put("strict", null));
      }
    }
    return functions;
  }

  @Override
  public boolean runs(JsonObject pending) {
    return "mcp_call".equals(pending.getString("type"));
  }

  @Override
  public Future<JsonObject> run(JsonObject pending, Cancellation cancel) {
    return calling.call(this, pending, cancel);
  }

  /** The same toolset carrying these calls from the client's approvals. */
  McpToolset carrying(List<JsonObject> calls) {
    return new McpToolset(servers, listings, List.copyOf(calls), calling);
  }

  Server server(String label) {
    for (Server server : servers) {
      if (server.spec().label().equals(label)) {
        return server;
      }
    }
    return null;
  }
}
