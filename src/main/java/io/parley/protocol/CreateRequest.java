package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A validated {@code POST /v1/responses} body.
 *
 * @param raw   the body as sent, for echoing request fields into the response object
 * @param input this turn's input as normalized items (each with {@code type} and {@code id})
 * @param conversationId the conversation this turn belongs to, or {@code null}
 */
public record CreateRequest(
    JsonObject raw,
    String model,
    JsonArray input,
    String instructions,
    String previousResponseId,
    String conversationId,
    boolean store,
    boolean stream,
    JsonObject metadata,
    List<McpToolSpec> mcp) {

  /** The same request with another input (a tool loop's next round sends this turn's input and output so far). */
  public CreateRequest withInput(JsonArray newInput) {
    return new CreateRequest(raw, model, newInput, instructions, previousResponseId, conversationId, store, stream,
        metadata, mcp);
  }

  /**
   * The request as the model sees it: {@code tools} holds the client's own tools and, in place of the tools
   * of the {@code replaced} types (MCP servers, hosted tools Parley runs), a function for each tool Parley
   * runs for them (in Responses form, {@code functions}).
   */
  public CreateRequest withModelTools(java.util.Set<String> replaced, JsonArray functions) {
    JsonObject copy = raw.copy();
    JsonArray tools = new JsonArray();
    for (Object o : raw.getJsonArray("tools", new JsonArray())) {
      if (!replaced.contains(((JsonObject) o).getString("type"))) {
        tools.add(o);
      }
    }
    tools.addAll(functions);
    copy.put("tools", tools);
    return new CreateRequest(copy, model, input, instructions, previousResponseId, conversationId, store, stream,
        metadata, mcp);
  }

  public boolean background() {
    return raw.getBoolean("background", false);
  }

  /**
   * The token count past which this turn's context is compacted before the model is called
   * ({@code context_management}): {@code null} when not asked, 0 when asked without a threshold.
   */
  public Integer compactThreshold() {
    if (!(raw.getValue("context_management") instanceof JsonArray entries) || entries.isEmpty()) {
      return null;
    }
    return entries.getJsonObject(0).getValue("compact_threshold") instanceof Number n ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : 0;
  }

  /** Whether {@code include} asks for this extra output data. */
  public boolean includes(String what) {
    return raw.getValue("include") instanceof JsonArray include && include.contains(what);
  }
}
