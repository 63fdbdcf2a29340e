package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Appends items as Chat Completions messages. An assistant message followed by function calls, or a run of
 * function calls, becomes one assistant message with {@code tool_calls} (as the provider produced it);
 * each {@code function_call_output} becomes a {@code tool} message, and a call Parley ran ({@link ServerCalls})
 * both. Reasoning items are not sent: Chat Completions providers take no reasoning input.
 */
final class ChatMessages {

  private final JsonArray messages;
  private JsonObject openAssistant;

  ChatMessages(JsonArray messages) {
    this(messages, null);
  }

  /** @param open the last message of {@code messages} when later function calls may still join it, else {@code null} */
  ChatMessages(JsonArray messages, JsonObject open) {
    this.messages = messages;
    this.openAssistant = open;
  }

  /** The last message while function calls may still join it (an assistant message), else {@code null}. */
  JsonObject open() {
    return openAssistant;
  }

  void addAll(JsonArray items) {
    for (Object o : items) {
      add((JsonObject) o);
    }
  }

  private void add(JsonObject item) {
    switch (item.getString("type")) {
      case "message" -> message(item);
      case "function_call" -> functionCall(item);
      case "function_call_output" -> {
        openAssistant = null;
        Object output = item.getValue("output");
        messages.add(new JsonObject().put("role", "tool").put("tool_call_id", item.getString("call_id"))
            .put("content", output instanceof JsonArray parts ? ContentParts.toChat(parts) : output));
      }
      default -> {
        ServerCalls.AsFunction call = ServerCalls.asFunction(item);
        if (call != null) {
          // A tool Parley ran for the model: its call, then its result, as the model saw them.
          functionCall(new JsonObject().put("call_id", call.callId()).put("name", call.name())
              .put("arguments", call.arguments()));
          openAssistant = null;
          messages.add(new JsonObject().put("role", "tool").put("tool_call_id", call.callId())
              .put("content", call.output()));
        }
      }
    }
  }

  private void message(JsonObject item) {
    String role = item.getString("role");
    // "developer" is the Responses name for a system prompt; most Chat Completions servers only know "system".
    String chatRole = role.equals("developer") ? "system" : role;
    JsonObject message = new JsonObject().put("role", chatRole);
    JsonArray parts = item.getJsonArray("content");
    if (role.equals("assistant") && parts.size() == 1 && "refusal".equals(parts.getJsonObject(0).getString("type"))) {
      message.put("content", null).put("refusal", parts.getJsonObject(0).getString("refusal"));
    } else {
      message.put("content", ContentParts.toChat(parts));
    }
    messages.add(message);
    openAssistant = role.equals("assistant") ? message : null;
  }

  private void functionCall(JsonObject item) {
    if (openAssistant == null) {
      openAssistant = new JsonObject().put("role", "assistant").put("content", null);
      messages.add(openAssistant);
    }
    JsonArray calls = openAssistant.getJsonArray("tool_calls");
    if (calls == null) {
      calls = new JsonArray();
      openAssistant.put("tool_calls", calls);
    }
    calls.add(new JsonObject().put("id", item.getString("call_id")).put("type", "function")
        .put("function", new JsonObject().put("name", item.getString("name")).put("arguments", item.getString("arguments"))));
  }
}
