package io.parley.turn;

import io.parley.protocol.ApiError;
import io.parley.protocol.Ids;
import io.parley.protocol.McpCalls;
import io.parley.state.StoredResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's answers to the previous response's {@code mcp_approval_request}s: each approved call becomes
 * an {@code mcp_call} to run before the model is asked again, each refused one an {@code mcp_call} that
 * failed as refused (so the model is told). An answer to no request of the chain is a 400.
 */
final class McpApprovals {

  private McpApprovals() {
  }

  /** The calls this turn starts with, in input order: approved ones pending, refused ones finished. */
  static List<JsonObject> carried(Turn turn, McpToolset tools) {
    List<JsonObject> carried = new ArrayList<>();
    JsonArray input = turn.request().input();
    for (int i = 0; i < input.size(); i++) {
      JsonObject item = input.getJsonObject(i);
      if (!"mcp_approval_response".equals(item.getString("type"))) {
        continue;
      }
      String requestId = item.getString("approval_request_id");
      JsonObject request = find(turn, requestId);
      String param = "input[" + i + "].approval_request_id";
      if (request == null) {
        throw ApiError.invalidValue(param, "No mcp_approval_request with id '" + requestId
            + "' in the previous response's chain.");
      }
      if (tools.server(request.getString("server_label")) == null) {
        throw ApiError.invalidValue(param, "The approved call is to the MCP server '" + request.getString("server_label")
            + "', which is not among this request's tools: send the mcp tool (with its credentials) again.");
      }
      JsonObject call = McpCalls.call(Ids.newItemId("mcp"), request.getString("server_label"), request.getString("name"),
          request.getString("arguments"), null, null, requestId).put("status", "in_progress");
      if (Boolean.TRUE.equals(item.getBoolean("approve"))) {
        carried.add(call);
      } else {
        String reason = item.getValue("reason") instanceof String r && !r.isBlank() ? ": " + r : ".";
        carried.add(McpCalling.failed(call, McpCalling.executionError("The user did not approve this call" + reason)));
      }
    }
    return carried;
  }

  private static JsonObject find(Turn turn, String requestId) {
    List<StoredResponse> turns = turn.chain().hasTurns() ? turn.chain().turns() : List.of();
    for (int t = turns.size() - 1; t >= 0; t--) {
      for (Object o : turns.get(t).output()) {
        JsonObject item = (JsonObject) o;
        if ("mcp_approval_request".equals(item.getString("type")) && requestId.equals(item.getString("id"))) {
          return item;
        }
      }
    }
    return null;
  }
}
