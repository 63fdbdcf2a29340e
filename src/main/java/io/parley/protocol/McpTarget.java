package io.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a function name offered to the model stands for when Parley runs it: a tool of an MCP server, and
 * whether each call needs the client's approval first. A call becomes an {@code mcp_call} still in progress
 * (Parley runs it next) whose arguments stream as {@code response.mcp_call_arguments.*} events, or, when the
 * tool needs approval, an {@code mcp_approval_request}, done once its arguments are.
 */
public record McpTarget(String label, String tool, boolean approval) implements ServerTool {

  @Override
  public String idPrefix() {
    return approval ? "mcpr" : "mcp";
  }

  @Override
  public JsonObject item(String id, String arguments) {
    return approval ? McpCalls.approvalRequest(id, label, tool, arguments)
        : McpCalls.call(id, label, tool, arguments, null, null, null).put("status", "in_progress");
  }

  @Override
  public StreamedArguments streamedArguments() {
    return approval ? StreamedArguments.SILENT : ARGUMENTS;
  }

  static final StreamedArguments ARGUMENTS = new StreamedArguments() {
    @Override
    public List<JsonObject> delta(String fragment) {
      return List.of(new JsonObject().put("type", "response.mcp_call_arguments.delta").put("delta", fragment));
    }

    @Override
    public List<JsonObject> done(String arguments) {
      return List.of(new JsonObject().put("type", "response.mcp_call_arguments.done").put("arguments", arguments));
    }
  };
}
