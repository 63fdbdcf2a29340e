package io.parley.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The mock model: a deterministic reply that shows what it received (the last user message, how many
 * messages came, and the first user message), so a multi-turn chain is visible from the outside. Its
 * usage reports the prompt tokens its replica had cached, as a provider with prefix caching would.
 */
final class MockReply {

  final List<String> words;
  final String finishReason;
  final int promptTokens;
  final int cachedTokens;

  private MockReply(List<String> words, String finishReason, int promptTokens, int cachedTokens) {
    this.words = words;
    this.finishReason = finishReason;
    this.promptTokens = promptTokens;
    this.cachedTokens = cachedTokens;
  }

  /** @param cache this replica's prefix cache, which reports (and learns) the request's cached tokens */
  static MockReply to(JsonObject request, PrefixCache cache) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    String first = null;
    String last = "";
    int promptTokens = 0;
    int[] tokens = new int[messages.size()];
    List<String> seen = new ArrayList<>(messages.size() + 1);
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      String text = text(message.getValue("content"));
      tokens[i] = tokens(message, text);
      seen.add(canonical(message.getString("role"), text, message.getValue("tool_calls"), message.getValue("tool_call_id")));
      promptTokens += tokens[i];
      if ("user".equals(message.getString("role"))) {
        first = first == null ? text : first;
        last = text;
      }
    }
    String reply = "You said: \"" + last + "\". I have received " + messages.size() + " messages"
        + (first != null && messages.size() > 1 ? "; your first was: \"" + first + "\"." : ".");
    List<String> words = new ArrayList<>(List.of(reply.split("(?<= )")));
    String finish = "stop";
    Integer max = request.getInteger("max_tokens", request.getInteger("max_completion_tokens"));
    if (max != null && max < words.size()) {
      words = new ArrayList<>(words.subList(0, max));
      finish = "length";
    }
    int cached = cache.cachedTokens(seen, tokens);
    seen.add(canonical("assistant", String.join("", words), null, null));
    cache.remember(seen);
    return new MockReply(words, finish, promptTokens, cached);
  }

  /**
   * A message as the model sees it (its role, text and tool calls), whatever JSON spelling it came in:
   * what a chat template would render, so the reply the mock gave matches the assistant message sent back.
   */
  private static String canonical(String role, String text, Object toolCalls, Object toolCallId) {
    return role + '\u0000' + text + '\u0000' + (toolCalls == null ? "" : toolCalls.toString()) + '\u0000'
        + (toolCallId == null ? "" : toolCallId);
  }

  /** About four characters a token, plus a few for the message's framing (and its tool calls, if any). */
  private static int tokens(JsonObject message, String text) {
    int chars = text.length();
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      chars += calls.encode().length();
    }
    return 4 + (chars + 3) / 4;
  }

  String text() {
    return String.join("", words);
  }

  JsonObject usage() {
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", words.size())
        .put("total_tokens", promptTokens + words.size())
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cachedTokens));
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder text = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject part && part.getValue("text") instanceof String s) {
          text.append(s);
        }
      }
    }
    return text.toString();
  }
}
