package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The MCP output items ({@code mcp_list_tools}, {@code mcp_call}, {@code mcp_approval_request}) as OpenAI shapes them. */
public final class McpCalls {

  private McpCalls() {
  }

  public static JsonObject listTools(String id, String label, JsonArray tools, String error) {
    return new JsonObject().put("type", "mcp_list_tools").put("id", id).put("server_label", label)
        .put("tools", tools).put("error", error);
  }

  public static JsonObject approvalRequest(String id, String label, String name, String arguments) {
    return new JsonObject().put("type", "mcp_approval_request").put("id", id).put("server_label", label)
        .put("name", name).put("arguments", arguments);
  }

  /**
   * @param error {@code null} on success, else an {@code mcp_tool_execution_error}, {@code mcp_protocol_error}
   *              or {@code http_error} object
   */
  public static JsonObject call(String id, String label, String name, String arguments, String output,
      JsonObject error, String approvalRequestId) {
    return new JsonObject().put("type", "mcp_call").put("id", id).put("server_label", label).put("name", name)
        .put("arguments", arguments).put("output", output).put("error", error)
        .put("status", error == null ? "completed" : "failed").put("approval_request_id", approvalRequestId);
  }

  /** How {@code mcp_call} items are told to the model and streamed: see {@link ServerCalls}. */
  static final ServerCalls.Kind CALLS = new ServerCalls.Kind() {
    @Override
    public String functionName(JsonObject item) {
      return McpNames.function(item.getString("server_label"), item.getString("name"));
    }

    @Override
    public String arguments(JsonObject item) {
      return item.getString("arguments");
    }

    @Override
    public String resultText(JsonObject item) {
      return McpCalls.resultText(item);
    }

    @Override
    public JsonObject announced(JsonObject item) {
      return item.copy().put("arguments", "").put("output", null).put("error", null).put("status", "in_progress");
    }

    @Override
    public List<JsonObject> argumentEvents(JsonObject item) {
      String arguments = item.getString("arguments", "");
      List<JsonObject> events = new java.util.ArrayList<>(McpTarget.ARGUMENTS.delta(arguments));
      events.addAll(McpTarget.ARGUMENTS.done(arguments));
      return events;
    }

    @Override
    public String runningEvent() {
      return "response.mcp_call.in_progress";
    }

    @Override
    public String endedEvent(JsonObject finished) {
      return "failed".equals(finished.getString("status")) ? "response.mcp_call.failed" : "response.mcp_call.completed";
    }
  };

  /** What the model is told a call returned: its output, or what went wrong. */
  static String resultText(JsonObject call) {
    if (call.getValue("error") instanceof JsonObject error) {
      String detail = error.getValue("message") instanceof String m ? m
          : error.getValue("content") instanceof JsonArray content ? text(content) : error.encode();
      return "Error: " + detail;
    }
    return call.getValue("output") instanceof String output ? output : "";
  }

  /** The text parts of MCP content, joined by newlines. */
  public static String text(JsonArray content) {
    StringBuilder text = new StringBuilder();
    for (Object o : content) {
      if (o instanceof JsonObject part && part.getValue("text") instanceof String t) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(t);
      }
    }
    return text.toString();
  }
}
