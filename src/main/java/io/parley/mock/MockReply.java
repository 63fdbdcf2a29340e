package io.parley.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The mock model: a deterministic reply that shows what it received (the last user message, how many
 * messages came, and the first user message), so a multi-turn chain is visible from the outside.
 */
final class MockReply {

  final List<String> words;
  final String finishReason;
  final int promptTokens;

  private MockReply(List<String> words, String finishReason, int promptTokens) {
    this.words = words;
    this.finishReason = finishReason;
    this.promptTokens = promptTokens;
  }

  static MockReply to(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    String first = null;
    String last = "";
    int promptTokens = 0;
    for (Object o : messages) {
      JsonObject message = (JsonObject) o;
      String text = text(message.getValue("content"));
      promptTokens += 4 + (text.length() + 3) / 4;
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
    return new MockReply(words, finish, promptTokens);
  }

  String text() {
    return String.join("", words);
  }

  JsonObject usage() {
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", words.size())
        .put("total_tokens", promptTokens + words.size());
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
