package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Chat Completions response (non-stream) and usage → Responses output items and usage. */
public final class ChatCompletionMapper {

  private ChatCompletionMapper() {
  }

  public static ModelOutput fromCompletion(JsonObject completion, OutputPolicy policy) {
    JsonArray choices = completion.getJsonArray("choices");
    if (choices == null || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
      throw ApiError.upstream("The upstream provider returned a completion without choices.");
    }
    JsonObject message = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
    String finishReason = choice.getString("finish_reason");
    String status = status(finishReason);
    JsonArray output = new JsonArray();

    String reasoning = reasoningText(message);
    if (reasoning != null) {
      output.add(OutputItems.reasoning(Ids.newItemId("rs"), reasoning, "completed"));
    }
    JsonArray content = new JsonArray();
    if (message.getValue("content") instanceof String text && !text.isEmpty()) {
      content.add(OutputItems.outputText(text, logprobs(choice)));
    }
    if (message.getValue("refusal") instanceof String refusal && !refusal.isEmpty()) {
      content.add(OutputItems.refusal(refusal));
    }
    JsonArray calls = message.getValue("tool_calls") instanceof JsonArray list ? list : new JsonArray();
    if (!content.isEmpty() || calls.isEmpty()) {
      if (content.isEmpty()) {
        content.add(OutputItems.outputText("", new JsonArray()));
      }
      output.add(OutputItems.message(Ids.newItemId("msg"), content, status));
    }
    boolean cut = false;
    for (int i = 0; i < calls.size(); i++) {
      JsonObject call = calls.getJsonObject(i);
      JsonObject function = call.getJsonObject("function", new JsonObject());
      String name = function.getString("name", "");
      policy.checkCall(name);
      if (!policy.admits(i)) {
        cut = true;
        break;
      }
      String arguments = function.getString("arguments", "");
      ServerTool tool = policy.serverTool(name);
      if (tool != null) {
        output.add(tool.item(arguments));
        continue;
      }
      String callId = call.getValue("id") instanceof String id && !id.isEmpty() ? id : Ids.newItemId("call");
      output.add(OutputItems.functionCall(Ids.newItemId("fc"), callId, name, function.getString("arguments", ""), "completed"));
    }
    return new ModelOutput(output, usage(completion.getJsonObject("usage")), cut ? "max_tool_calls" : finishReason);
  }

  /** vLLM and DeepSeek send {@code reasoning_content}; Ollama and others send {@code reasoning}. */
  static String reasoningText(JsonObject messageOrDelta) {
    Object text = messageOrDelta.getValue("reasoning_content");
    if (!(text instanceof String)) {
      text = messageOrDelta.getValue("reasoning");
    }
    return text instanceof String s && !s.isEmpty() ? s : null;
  }

  static JsonArray logprobs(JsonObject choice) {
    if (choice.getValue("logprobs") instanceof JsonObject lp && lp.getValue("content") instanceof JsonArray content) {
      return content;
    }
    return new JsonArray();
  }

  static String status(String finishReason) {
    return "length".equals(finishReason) ? "incomplete" : "completed";
  }

  /** Chat Completions usage → Responses usage; {@code null} stays {@code null}. */
  public static JsonObject usage(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    long input = Usage.count(usage, "prompt_tokens", 0);
    long output = Usage.count(usage, "completion_tokens", 0);
    JsonObject promptDetails = usage.getValue("prompt_tokens_details") instanceof JsonObject p ? p : new JsonObject();
    JsonObject completionDetails = usage.getValue("completion_tokens_details") instanceof JsonObject c ? c : new JsonObject();
    return new JsonObject()
        .put("input_tokens", input)
        // The Java SDK (4.x) requires cache_write_tokens; Chat Completions providers rarely report it.
        .put("input_tokens_details", new JsonObject()
            .put("cached_tokens", Usage.count(promptDetails, "cached_tokens", 0))
            .put("cache_write_tokens", Usage.count(promptDetails, "cache_write_tokens", 0)))
        .put("output_tokens", output)
        .put("output_tokens_details",
            new JsonObject().put("reasoning_tokens", Usage.count(completionDetails, "reasoning_tokens", 0)))
        .put("total_tokens", Usage.count(usage, "total_tokens", input + output));
  }
}
