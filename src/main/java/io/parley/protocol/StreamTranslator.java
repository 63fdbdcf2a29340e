package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat Completions stream chunks → Responses stream events, for one response. Keeps only what the
 * finished response needs (the assembled text), never the raw stream. Not thread-safe: one instance
 * per response, used on one event loop.
 */
public final class StreamTranslator {

  private static final int OUTPUT_INDEX = 0;
  private static final int CONTENT_INDEX = 0;

  private final JsonObject response;
  private final String messageId = Ids.newItemId("msg");
  private final StringBuilder text = new StringBuilder();
  private long sequence;
  private boolean messageOpen;
  private String finishReason;
  private JsonObject usage;

  /** @param response the in-progress response object from {@link ResponseObject#inProgress} */
  public StreamTranslator(JsonObject response) {
    this.response = response;
  }

  public JsonObject response() {
    return response;
  }

  public List<JsonObject> start() {
    return List.of(
        event("response.created").put("response", response.copy()),
        event("response.in_progress").put("response", response.copy()));
  }

  public List<JsonObject> onChunk(JsonObject chunk) {
    if (chunk.getValue("error") instanceof JsonObject error) {
      throw ApiError.upstream("The upstream provider failed mid-stream: " + error.getString("message", "unknown error"));
    }
    if (chunk.getValue("usage") instanceof JsonObject u) {
      usage = ChatCompletionMapper.usage(u);
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
      return List.of();
    }
    if (choice.getValue("finish_reason") instanceof String reason) {
      finishReason = reason;
    }
    JsonObject delta = choice.getJsonObject("delta");
    if (delta == null || !(delta.getValue("content") instanceof String content) || content.isEmpty()) {
      return List.of();
    }
    List<JsonObject> events = new ArrayList<>(3);
    openMessage(events);
    text.append(content);
    events.add(partEvent("response.output_text.delta").put("delta", content).put("logprobs", new JsonArray()));
    return events;
  }

  /**
   * Closes the open items and returns their closing events; afterwards {@link #response()} holds the
   * finished response, ready to be stored before {@link #terminalEvent()} is written.
   */
  public List<JsonObject> finish(long completedAt) {
    List<JsonObject> events = new ArrayList<>(6);
    openMessage(events);
    String status = ChatCompletionMapper.status(finishReason);
    JsonObject item = ChatCompletionMapper.assistantMessage(messageId, text.toString(), status);
    JsonObject part = item.getJsonArray("content").getJsonObject(0);
    events.add(partEvent("response.output_text.done").put("text", part.getString("text")).put("logprobs", new JsonArray()));
    events.add(partEvent("response.content_part.done").put("part", part.copy()));
    events.add(event("response.output_item.done").put("output_index", OUTPUT_INDEX).put("item", item.copy()));
    ResponseObject.finish(response, new ModelOutput(new JsonArray().add(item), usage, finishReason), completedAt);
    return events;
  }

  /** {@code response.completed} or {@code response.incomplete}, carrying the full response. */
  public JsonObject terminalEvent() {
    String type = "incomplete".equals(response.getString("status")) ? "response.incomplete" : "response.completed";
    return event(type).put("response", response);
  }

  public JsonObject failedEvent(ApiError error) {
    return event("response.failed").put("response", ResponseObject.fail(response, error));
  }

  private void openMessage(List<JsonObject> events) {
    if (messageOpen) {
      return;
    }
    messageOpen = true;
    JsonObject item = new JsonObject()
        .put("id", messageId)
        .put("type", "message")
        .put("status", "in_progress")
        .put("role", "assistant")
        .put("content", new JsonArray());
    events.add(event("response.output_item.added").put("output_index", OUTPUT_INDEX).put("item", item));
    events.add(partEvent("response.content_part.added").put("part", InputItems.textPart("output_text", "")));
  }

  private JsonObject partEvent(String type) {
    return event(type).put("item_id", messageId).put("output_index", OUTPUT_INDEX).put("content_index", CONTENT_INDEX);
  }

  private JsonObject event(String type) {
    return new JsonObject().put("type", type).put("sequence_number", sequence++);
  }
}
