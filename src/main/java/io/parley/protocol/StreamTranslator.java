package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chat Completions stream chunks → Responses stream events, for one response. One output item is open
 * at a time (reasoning, then the message, then each tool call in order); opening the next closes the
 * previous. Keeps only what the finished response needs, never the raw stream. One instance per
 * response, used on one event loop.
 */
public final class StreamTranslator implements StreamTranslation {

  private final JsonObject response;
  private OutputPolicy policy;
  private final JsonArray output = new JsonArray();
  private final Set<Integer> droppedCalls = new HashSet<>();
  private StreamItem open;
  private final ResponseEvents events;
  private final OutputView view;
  private int calls;
  private boolean cut;
  private String finishReason;
  private JsonObject usage;
  private JsonObject earlierUsage;

  /** @param response the in-progress response object from {@link ResponseObject#inProgress} */
  public StreamTranslator(JsonObject response, OutputPolicy policy) {
    this(response, policy, OutputView.DEFAULT);
  }

  /** @param view what of the output the client sees (the {@code include} of the request) */
  public StreamTranslator(JsonObject response, OutputPolicy policy, OutputView view) {
    this.response = response;
    this.policy = policy;
    this.view = view;
    this.events = new ResponseEvents(response, view);
  }

  @Override
  public JsonObject response() {
    return response;
  }

  @Override
  public List<JsonObject> start() {
    return events.start();
  }

  @Override
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
    if (!(choice.getValue("delta") instanceof JsonObject delta)) {
      return List.of();
    }
    List<JsonObject> out = new ArrayList<>(4);
    String reasoning = ChatCompletionMapper.reasoningText(delta);
    if (reasoning != null) {
      (open instanceof StreamItem.Reasoning r ? r : openItem(new StreamItem.Reasoning(nextIndex(), this::event), out))
          .delta(reasoning, out);
    }
    if (delta.getValue("content") instanceof String content && !content.isEmpty()) {
      message(out).text(content, ChatCompletionMapper.logprobs(choice), out);
    }
    if (delta.getValue("refusal") instanceof String refusal && !refusal.isEmpty()) {
      message(out).refusal(refusal, out);
    }
    if (delta.getValue("tool_calls") instanceof JsonArray toolCalls) {
      for (Object o : toolCalls) {
        toolCall((JsonObject) o, out);
      }
    }
    return out;
  }

  private StreamItem.Message message(List<JsonObject> out) {
    return open instanceof StreamItem.Message m ? m : openItem(new StreamItem.Message(nextIndex(), this::event), out);
  }

  private void toolCall(JsonObject fragment, List<JsonObject> out) {
    int index = fragment.getValue("index") instanceof Number n ? n.intValue() : 0;
    JsonObject function = fragment.getValue("function") instanceof JsonObject f ? f : new JsonObject();
    if (droppedCalls.contains(index)) {
      return;
    }
    StreamItem.ToolCall call = open instanceof StreamItem.ToolCall c && c.providerIndex == index ? c : null;
    if (call == null) {
      String name = function.getString("name", "");
      policy.checkCall(name);
      if (!policy.admits(calls)) {
        cut = true;
        droppedCalls.add(index);
        return;
      }
      calls++;
      ServerTool tool = policy.serverTool(name);
      if (tool != null) {
        call = openItem(new StreamItem.ServerCall(index, tool, nextIndex(), this::event), out);
      } else {
        String callId = fragment.getValue("id") instanceof String id && !id.isEmpty() ? id : Ids.newItemId("call");
        call = openItem(new StreamItem.Call(index, callId, name, nextIndex(), this::event), out);
      }
    }
    if (function.getValue("arguments") instanceof String args && !args.isEmpty()) {
      call.arguments(args, out);
    }
  }

  /** The output index of the next item to open: the currently open one still counts. */
  private int nextIndex() {
    return output.size() + (open != null ? 1 : 0);
  }

  private <T extends StreamItem> T openItem(T item, List<JsonObject> out) {
    closeOpen(out);
    open = item;
    item.open(out);
    return item;
  }

  private void closeOpen(List<JsonObject> out) {
    if (open instanceof StreamItem.Message message) {
      Map<Integer, WebSearchCalls.Result> sources = Citations.sources(output);
      if (!sources.isEmpty()) {
        message.cite(Citations.find(message.text(), sources));
      }
    }
    if (open != null) {
      output.add(open.close(out, ChatCompletionMapper.status(finishReason)));
      open = null;
    }
  }

  // ---- a turn with server-side tools streams several provider calls (rounds) as one response ----

  @Override
  public boolean supportsRounds() {
    return true;
  }

  @Override
  public List<JsonObject> endRound() {
    List<JsonObject> out = new ArrayList<>(4);
    closeOpen(out);
    return out;
  }

  @Override
  public void nextRound(OutputPolicy roundPolicy) {
    policy = roundPolicy;
    droppedCalls.clear();
    finishReason = null;
    earlierUsage = Usage.sum(earlierUsage, usage);
    usage = null;
  }

  @Override
  public JsonArray output() {
    return output;
  }

  @Override
  public boolean cut() {
    return cut;
  }

  @Override
  public void cutShort() {
    cut = true;
  }

  @Override
  public List<JsonObject> added(JsonObject item, List<String> progress) {
    List<JsonObject> out = new ArrayList<>(2 + progress.size());
    int index = output.size();
    output.add(item);
    out.add(events.event("response.output_item.added").put("output_index", index).put("item", shown(item)));
    for (String type : progress) {
      out.add(events.event(type).put("item_id", item.getString("id")).put("output_index", index));
    }
    return out;
  }

  @Override
  public List<JsonObject> progress(JsonObject item, String type) {
    return List.of(events.event(type).put("item_id", item.getString("id")).put("output_index", indexOf(item)));
  }

  @Override
  public List<JsonObject> done(JsonObject item, String progressType) {
    int index = indexOf(item);
    output.set(index, item);
    List<JsonObject> out = new ArrayList<>(2);
    if (progressType != null) {
      out.add(events.event(progressType).put("item_id", item.getString("id")).put("output_index", index));
    }
    out.add(events.event("response.output_item.done").put("output_index", index).put("item", shown(item)));
    return out;
  }

  /** A copy of the item as the client sees it. */
  private JsonObject shown(JsonObject item) {
    JsonObject shown = view.item(item);
    return shown == item ? item.copy() : shown;
  }

  private int indexOf(JsonObject item) {
    String id = item.getString("id");
    for (int i = 0; i < output.size(); i++) {
      if (id.equals(output.getJsonObject(i).getString("id"))) {
        return i;
      }
    }
    throw new IllegalArgumentException("no output item " + id);
  }

  /**
   * Closes the open item and returns its closing events; afterwards {@link #response()} holds the
   * finished response, ready to be stored before {@link #terminalEvent()} is written.
   */
  @Override
  public List<JsonObject> finish(long completedAt) {
    List<JsonObject> out = new ArrayList<>(6);
    if (output.isEmpty() && open == null) {
      openItem(new StreamItem.Message(0, this::event), out);
    }
    closeOpen(out);
    ResponseObject.finish(response, new ModelOutput(output, Usage.sum(earlierUsage, usage),
        cut ? "max_tool_calls" : finishReason), completedAt);
    return out;
  }

  /** {@code response.completed} or {@code response.incomplete}, carrying the full response. */
  @Override
  public JsonObject terminalEvent() {
    return events.terminal();
  }

  @Override
  public JsonObject failedEvent(ApiError error) {
    return events.failed(error);
  }

  private JsonObject event(String type) {
    return events.event(type);
  }
}
