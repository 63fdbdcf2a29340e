package io.parley.turn;

import io.parley.mcp.McpClient;
import io.parley.mcp.McpException;
import io.parley.mcp.McpResult;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Runs one MCP call, with its timeout and the turn's cancel handle. A call never fails the turn: what went wrong
 * goes into its {@code mcp_call} item's {@code error} (shaped as OpenAI types it), and the model is told.
 */
final class McpCalling {

  private final McpClient client;
  private final McpSettings settings;

  McpCalling(McpClient client, McpSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** One call; always succeeds, with the finished item. */
  Future<JsonObject> call(McpToolset tools, JsonObject pending, Cancellation cancel) {
    String label = pending.getString("server_label");
    String name = pending.getString("name");
    String arguments = pending.getString("arguments", "");
    McpToolset.Server server = tools.server(label);
    if (server == null) {
      return Future.succeededFuture(failed(pending, executionError("The MCP server '" + label + "' is not among this request's tools.")));
    }
    JsonObject args;
    try {
      args = arguments.isBlank() ? new JsonObject() : new JsonObject(arguments);
    } catch (RuntimeException e) {
      return Future.succeededFuture(failed(pending, executionError("The arguments are not a JSON object.")));
    }
    return client.callTool(server.server(), name, args, settings.callTimeout(), cancel)
        .map(result -> finished(pending, result))
        .otherwise(err -> failed(pending, error(err)));
  }

  private static JsonObject finished(JsonObject pending, McpResult result) {
    if (result.isError()) {
      return failed(pending, new JsonObject().put("type", "mcp_tool_execution_error").put("content", result.content()));
    }
    return pending.copy().put("output", result.text()).put("error", null).put("status", "completed");
  }

  static JsonObject failed(JsonObject pending, JsonObject error) {
    return pending.copy().put("output", null).put("error", error).put("status", "failed");
  }

  static JsonObject executionError(String message) {
    return new JsonObject().put("type", "mcp_tool_execution_error")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", message)));
  }

  private static JsonObject error(Throwable err) {
    if (err instanceof McpException mcp && mcp.kind().startsWith("http_")) {
      int code;
      try {
        code = Integer.parseInt(mcp.kind().substring(5));
      } catch (NumberFormatException e) {
        code = 0;
      }
      return new JsonObject().put("type", "http_error").put("code", code).put("message", mcp.getMessage());
    }
    String message = err instanceof McpException mcp ? mcp.getMessage() : "The MCP call failed.";
    return new JsonObject().put("type", "mcp_protocol_error").put("code", -32603).put("message", message);
  }
}
