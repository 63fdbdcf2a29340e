package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * One output item being streamed: it announces itself, takes deltas, and closes with its done events
 * and its finished form. {@code events} makes a numbered event of a type.
 */
abstract class StreamItem {

  final String id;
  final int outputIndex;
  final Function<String, JsonObject> events;

  StreamItem(String id, int outputIndex, Function<String, JsonObject> events) {
    this.id = id;
    this.outputIndex = outputIndex;
    this.events = events;
  }

  JsonObject itemEvent(String type, JsonObject item) {
    return events.apply(type).put("output_index", outputIndex).put("item", item);
  }

  JsonObject partEvent(String type, int contentIndex) {
    return events.apply(type).put("item_id", id).put("output_index", outputIndex).put("content_index", contentIndex);
  }

  abstract void open(List<JsonObject> out);

  /** Emits the closing events; returns the finished item. */
  abstract JsonObject close(List<JsonObject> out, String status);

  /** Reasoning text from {@code reasoning_content} / {@code reasoning} deltas. */
  static final class Reasoning extends StreamItem {
    private final StringBuilder text = new StringBuilder();

    Reasoning(int outputIndex, Function<String, JsonObject> events) {
      super(Ids.newItemId("rs"), outputIndex, events);
    }

    @Override
    void open(List<JsonObject> out) {
      out.add(itemEvent("response.output_item.added", OutputItems.reasoning(id, null, "in_progress")));
    }

    void delta(String delta, List<JsonObject> out) {
      text.append(delta);
      out.add(partEvent("response.reasoning_text.delta", 0).put("delta", delta));
    }

    @Override
    JsonObject close(List<JsonObject> out, String status) {
      JsonObject item = OutputItems.reasoning(id, text.toString(), "completed");
      out.add(partEvent("response.reasoning_text.done", 0).put("text", text.toString()));
      out.add(itemEvent("response.output_item.done", item.copy()));
      return item;
    }
  }

  /** An assistant message: an output_text part, then a refusal part if the model refuses. */
  static final class Message extends StreamItem {
    private final StringBuilder text = new StringBuilder();
    private final JsonArray logprobs = new JsonArray();
    private JsonArray annotations = new JsonArray();
    private StringBuilder refusal;

    Message(int outputIndex, Function<String, JsonObject> events) {
      super(Ids.newItemId("msg"), outputIndex, events);
    }

    @Override
    void open(List<JsonObject> out) {
      out.add(itemEvent("response.output_item.added", OutputItems.message(id, new JsonArray(), "in_progress")));
      out.add(partEvent("response.content_part.added", 0).put("part", OutputItems.outputText("", new JsonArray())));
    }

    void text(String delta, JsonArray deltaLogprobs, List<JsonObject> out) {
      text.append(delta);
      logprobs.addAll(deltaLogprobs);
      out.add(partEvent("response.output_text.delta", 0).put("delta", delta).put("logprobs", deltaLogprobs));
    }

    void refusal(String delta, List<JsonObject> out) {
      if (refusal == null) {
        refusal = new StringBuilder();
        out.add(partEvent("response.content_part.added", 1).put("part", OutputItems.refusal("")));
      }
      refusal.append(delta);
      out.add(partEvent("response.refusal.delta", 1).put("delta", delta));
    }

    String text() {
      return text.toString();
    }

    /** The citations found in the text once it is complete; announced as the message closes. */
    void cite(JsonArray found) {
      annotations = found;
    }

    @Override
    JsonObject close(List<JsonObject> out, String status) {
      JsonObject textPart = OutputItems.outputText(text.toString(), logprobs).put("annotations", annotations);
      for (int i = 0; i < annotations.size(); i++) {
        out.add(partEvent("response.output_text.annotation.added", 0).put("annotation_index", i)
            .put("annotation", annotations.getJsonObject(i).copy()));
      }
      out.add(partEvent("response.output_text.done", 0).put("text", text.toString()).put("logprobs", logprobs));
      out.add(partEvent("response.content_part.done", 0).put("part", textPart.copy()));
      JsonArray content = new JsonArray().add(textPart);
      if (refusal != null) {
        JsonObject refusalPart = OutputItems.refusal(refusal.toString());
        out.add(partEvent("response.refusal.done", 1).put("refusal", refusal.toString()));
        out.add(partEvent("response.content_part.done", 1).put("part", refusalPart.copy()));
        content.add(refusalPart);
      }
      JsonObject item = OutputItems.message(id, content, status);
      out.add(itemEvent("response.output_item.done", item.copy()));
      return item;
    }
  }

  /** A tool call the provider streams in fragments, matched by its index in the provider's {@code tool_calls}. */
  abstract static class ToolCall extends StreamItem {
    final int providerIndex;
    final StringBuilder arguments = new StringBuilder();

    ToolCall(String id, int providerIndex, int outputIndex, Function<String, JsonObject> events) {
      super(id, outputIndex, events);
      this.providerIndex = providerIndex;
    }

    abstract void arguments(String delta, List<JsonObject> out);
  }

  /** A function call of the client's; the provider streams its arguments in fragments. */
  static final class Call extends ToolCall {
    private final String callId;
    private final String name;

    Call(int providerIndex, String callId, String name, int outputIndex, Function<String, JsonObject> events) {
      super(Ids.newItemId("fc"), providerIndex, outputIndex, events);
      this.callId = callId;
      this.name = name;
    }

    @Override
    void open(List<JsonObject> out) {
      out.add(itemEvent("response.output_item.added", OutputItems.functionCall(id, callId, name, "", "in_progress")));
    }

    @Override
    void arguments(String delta, List<JsonObject> out) {
      arguments.append(delta);
      out.add(events.apply("response.function_call_arguments.delta").put("item_id", id)
          .put("output_index", outputIndex).put("delta", delta));
    }

    @Override
    JsonObject close(List<JsonObject> out, String status) {
      JsonObject item = OutputItems.functionCall(id, callId, name, arguments.toString(), "completed");
      out.add(events.apply("response.function_call_arguments.done").put("item_id", id)
          .put("output_index", outputIndex).put("name", name).put("arguments", arguments.toString()));
      out.add(itemEvent("response.output_item.done", item.copy()));
      return item;
    }
  }

  /**
   * A call to a tool Parley runs ({@link ServerTool}), announced as the item it stands for ({@code mcp_call},
   * {@code web_search_call}, ...) with the events its tool gives for the streamed arguments. A call Parley has
   * yet to run closes in progress, with no {@code output_item.done} (it is done once run); one that waits for
   * the client (an approval request) closes done.
   */
  static final class ServerCall extends ToolCall {
    private final ServerTool tool;
    private final ServerTool.StreamedArguments streamed;

    ServerCall(int providerIndex, ServerTool tool, int outputIndex, Function<String, JsonObject> events) {
      super(Ids.newItemId(tool.idPrefix()), providerIndex, outputIndex, events);
      this.tool = tool;
      this.streamed = tool.streamedArguments();
    }

    @Override
    void open(List<JsonObject> out) {
      out.add(itemEvent("response.output_item.added", tool.announced(id)));
      for (String type : tool.announcedEvents()) {
        out.add(events.apply(type).put("item_id", id).put("output_index", outputIndex));
      }
    }

    @Override
    void arguments(String delta, List<JsonObject> out) {
      arguments.append(delta);
      streamed.delta(delta).forEach(event -> out.add(numbered(event)));
    }

    @Override
    JsonObject close(List<JsonObject> out, String status) {
      String all = arguments.toString();
      streamed.done(all).forEach(event -> out.add(numbered(event)));
      JsonObject item = tool.item(id, all);
      if (!ServerCalls.isPending(item)) {
        out.add(itemEvent("response.output_item.done", item.copy()));
      }
      return item;
    }

    private JsonObject numbered(JsonObject event) {
      JsonObject numbered = events.apply(event.getString("type")).put("item_id", id).put("output_index", outputIndex);
      event.forEach(field -> {
        if (!field.getKey().equals("type")) {
          numbered.put(field.getKey(), field.getValue());
        }
      });
      return numbered;
    }
  }
}
