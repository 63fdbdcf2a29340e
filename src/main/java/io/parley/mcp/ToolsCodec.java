package io.parley.mcp;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** {@code tools/list} and {@code tools/call} results into the API's records; pure functions. */
final class ToolsCodec {

  private ToolsCodec() {
  }

  /** The tools of one {@code tools/list} page; entries without a name are skipped. */
  static List<McpTool> tools(JsonObject page, String host) {
    if (!(page.getValue("tools") instanceof JsonArray tools)) {
      throw McpException.protocol(host, "tools/list answered no tools array");
    }
    List<McpTool> parsed = new ArrayList<>(tools.size());
    for (Object item : tools) {
      if (item instanceof JsonObject tool && tool.getValue("name") instanceof String name && !name.isEmpty()) {
        parsed.add(new McpTool(name,
            tool.getValue("description") instanceof String description ? description : null,
            tool.getValue("inputSchema") instanceof JsonObject schema ? schema : new JsonObject().put("type", "object"),
            tool.getValue("annotations") instanceof JsonObject annotations ? annotations : null));
      }
    }
    return parsed;
  }

  /** The cursor of the next page, or {@code null} on the last. */
  static String nextCursor(JsonObject page) {
    return page.getValue("nextCursor") instanceof String cursor && !cursor.isEmpty() ? cursor : null;
  }

  static McpResult result(JsonObject result, String host) {
    Object content = result.getValue("content", new JsonArray());
    Object isError = result.getValue("isError", false);
    if (!(content instanceof JsonArray parts) || !(isError instanceof Boolean error)) {
      throw McpException.protocol(host, "tools/call answered a malformed result");
    }
    StringJoiner text = new StringJoiner("\n");
    for (Object part : parts) {
      if (part instanceof JsonObject block && "text".equals(block.getValue("type"))
          && block.getValue("text") instanceof String value) {
        text.add(value);
      }
    }
    Object structured = result.getValue("structuredContent");
    String joined = text.length() == 0 && structured != null ? Json.encode(structured) : text.toString();
    return new McpResult(joined, error, parts);
  }

  /** A JSON-RPC error to {@code tools/call} (unknown tool, bad arguments): an error the model can read. */
  static McpResult errorResult(String message) {
    return new McpResult(message, true,
        new JsonArray().add(new JsonObject().put("type", "text").put("text", message)));
  }
}
