package io.parley.turn;

import io.parley.mcp.McpClient;
import io.parley.mcp.McpException;
import io.parley.mcp.McpServer;
import io.parley.mcp.McpTool;
import io.parley.protocol.ApiError;
import io.parley.protocol.Ids;
import io.parley.protocol.McpCalls;
import io.parley.protocol.McpToolSpec;
import io.parley.state.StoredResponse;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the tools of a turn's MCP servers before the provider is called: a listing the chain already made
 * for the same server and the same {@code allowed_tools} is reused (as OpenAI does); otherwise the server
 * is listed now, and a server that cannot be listed is a 424 naming its label, before anything streams.
 */
final class McpListing {

  private final McpClient client;
  private final McpServers registry;
  private final McpCalling calling;

  McpListing(McpClient client, McpServers registry, McpCalling calling) {
    this.client = client;
    this.registry = registry;
    this.calling = calling;
  }

  Future<McpToolset> toolset(Turn turn) {
    List<McpToolSpec> specs = turn.request().mcp();
    if (specs.isEmpty()) {
      return Future.succeededFuture(McpToolset.NONE);
    }
    List<Future<Listed>> listed = new ArrayList<>();
    for (McpToolSpec given : specs) {
      McpToolSpec spec;
      try {
        spec = registry.resolve(turn.tenant(), given);
      } catch (ApiError e) {
        return Future.failedFuture(e);
      }
      McpServer server = new McpServer(spec.label(), spec.url(), spec.headers());
      List<McpTool> reused = previousListing(turn, spec);
      listed.add(reused != null
          ? Future.succeededFuture(new Listed(new McpToolset.Server(spec, server, reused), null))
          : client.listTools(server, new Cancellation())
              .recover(err -> Future.failedFuture(unavailable(spec.label(), err)))
              .map(tools -> {
                List<McpTool> allowed = tools.stream()
                    .filter(t -> spec.allowed() == null || spec.allowed().contains(t.name())).toList();
                return new Listed(new McpToolset.Server(spec, server, allowed),
                    McpCalls.listTools(Ids.newItemId("mcpl"), spec.label(), toJson(allowed), null));
              }));
    }
    return Future.all(listed).map(all -> {
      List<McpToolset.Server> servers = new ArrayList<>();
      List<JsonObject> listings = new ArrayList<>();
      for (Listed one : all.<Listed>list()) {
        servers.add(one.server());
        if (one.listing() != null) {
          listings.add(one.listing());
        }
      }
      return new McpToolset(List.copyOf(servers), List.copyOf(listings), List.of(), calling);
    });
  }

  /** A server's tools, and the {@code mcp_list_tools} item when they were listed now. */
  private record Listed(McpToolset.Server server, JsonObject listing) {
  }

  /** A 424 naming the server, never its URL's credentials or its headers. */
  private static ApiError unavailable(String label, Throwable err) {
    if (err instanceof ApiError api) {
      return api;
    }
    if (err instanceof McpException refused && refused.kind().equals("refused_url")) {
      return ApiError.invalidValue("tools", "The MCP server URL of '" + label + "' is not allowed: " + refused.getMessage());
    }
    String detail = err instanceof McpException mcp ? mcp.getMessage() : "the server could not be reached";
    return new ApiError(424, "external_connector_error", "http_error", "tools",
        "Error retrieving tool list from MCP server: '" + label + "'. " + detail);
  }

  /** The tools of the newest listing of this server in the chain, if its turn allowed the same tools; else {@code null}. */
  private static List<McpTool> previousListing(Turn turn, McpToolSpec spec) {
    List<StoredResponse> turns = turn.chain().hasTurns() ? turn.chain().turns() : List.of();
    for (int i = turns.size() - 1; i >= 0; i--) {
      StoredResponse earlier = turns.get(i);
      for (Object o : earlier.output()) {
        JsonObject item = (JsonObject) o;
        if ("mcp_list_tools".equals(item.getString("type")) && spec.label().equals(item.getString("server_label"))
            && item.getValue("error") == null) {
          return sameServer(earlier.response(), spec) ? fromJson(item.getJsonArray("tools", new JsonArray())) : null;
        }
      }
    }
    return null;
  }

  private static boolean sameServer(JsonObject response, McpToolSpec spec) {
    for (Object o : response.getJsonArray("tools", new JsonArray())) {
      JsonObject tool = (JsonObject) o;
      if ("mcp".equals(tool.getString("type")) && spec.label().equals(tool.getString("server_label"))) {
        return java.util.Objects.equals(tool.getString("server_url"), spec.url())
            && java.util.Objects.equals(names(tool.getValue("allowed_tools")), spec.allowed());
      }
    }
    return false;
  }

  private static Set<String> names(Object allowed) {
    JsonArray list = allowed instanceof JsonArray l ? l
        : allowed instanceof JsonObject f && f.getValue("tool_names") instanceof JsonArray l ? l : null;
    if (list == null) {
      return null;
    }
    Set<String> names = new HashSet<>();
    list.forEach(n -> names.add(String.valueOf(n)));
    return Set.copyOf(names);
  }

  static JsonArray toJson(List<McpTool> tools) {
    JsonArray out = new JsonArray();
    for (McpTool tool : tools) {
      out.add(new JsonObject().put("name", tool.name()).put("description", tool.description())
          .put("input_schema", tool.inputSchema()).put("annotations", tool.annotations()));
    }
    return out;
  }

  private static List<McpTool> fromJson(JsonArray tools) {
    List<McpTool> out = new ArrayList<>();
    for (Object o : tools) {
      JsonObject tool = (JsonObject) o;
      out.add(new McpTool(tool.getString("name"), tool.getString("description"), tool.getJsonObject("input_schema"),
          tool.getJsonObject("annotations")));
    }
    return out;
  }
}
