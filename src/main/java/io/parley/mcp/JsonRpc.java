package io.parley.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** JSON-RPC 2.0 messages as MCP uses them; pure functions. */
final class JsonRpc {

  private JsonRpc() {
  }

  static JsonObject request(long id, String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params);
  }

  static JsonObject notification(String method, JsonObject params) {
    JsonObject message = new JsonObject().put("jsonrpc", "2.0").put("method", method);
    return params == null ? message : message.put("params", params);
  }

  /** The answer to request {@code id} in a decoded message or batch, or {@code null} if it holds none. */
  static JsonObject answerTo(Object json, Object id) {
    if (json instanceof JsonObject message) {
      return isAnswerTo(message, id) ? message : null;
    }
    if (json instanceof JsonArray batch) {
      for (Object item : batch) {
        if (item instanceof JsonObject message && isAnswerTo(message, id)) {
          return message;
        }
      }
    }
    return null;
  }

  private static boolean isAnswerTo(JsonObject message, Object id) {
    return (message.containsKey("result") || message.containsKey("error"))
        && String.valueOf(message.getValue("id")).equals(String.valueOf(id));
  }

  /** The result of an answer; a JSON-RPC error is thrown as an {@link RpcError}. */
  static JsonObject result(JsonObject answer, String host) {
    if (answer.getValue("error") instanceof JsonObject error) {
      int code = error.getValue("code") instanceof Number number ? number.intValue() : 0;
      String message = error.getValue("message") instanceof String text ? text : "JSON-RPC error " + code;
      throw new RpcError(code, message);
    }
    if (answer.getValue("result") instanceof JsonObject result) {
      return result;
    }
    throw McpException.protocol(host, "the answer has neither a result object nor an error");
  }
}
