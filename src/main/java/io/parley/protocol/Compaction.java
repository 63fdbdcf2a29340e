package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How a context window is compacted: everything from the last user message on (the latest turn, with any
 * tool calls and outputs after it) is kept verbatim; everything before it is replaced by one developer
 * message holding a summary written by the model. Splitting at a user message never separates a tool
 * call from its output.
 */
public final class Compaction {

  private static final String SUMMARIZE = "Summarize the conversation above so that it can replace it as "
      + "context for the rest of the conversation. Keep every fact, name, number, decision, open question and "
      + "tool result that may matter later. Write only the summary.";

  static final String SUMMARY_PREFIX = "Summary of the earlier part of this conversation:\n";

  private Compaction() {
  }

  /** The developer message that a {@code compaction} item stands for once opened. */
  public static JsonObject summaryMessage(String id, String summary) {
    return InputItems.message("developer", new JsonArray().add(InputItems.textPart("input_text", SUMMARY_PREFIX + summary)),
        id, "completed");
  }

  /** The whole window, oldest first: history items then the new input. */
  public static JsonArray window(List<JsonArray> history, JsonArray input) {
    JsonArray all = new JsonArray();
    history.forEach(all::addAll);
    all.addAll(input);
    return all;
  }

  /** Index of the first item kept verbatim; 0 when there is nothing older to summarize. */
  public static int keepFrom(JsonArray window) {
    for (int i = window.size() - 1; i >= 0; i--) {
      JsonObject item = window.getJsonObject(i);
      if ("message".equals(item.getString("type")) && "user".equals(item.getString("role"))) {
        return i;
      }
    }
    return 0;
  }

  /** The request that asks the model for the summary of {@code older}. */
  public static JsonObject summaryRequest(String model, JsonArray older) {
    JsonArray input = older.copy().add(new JsonObject().put("role", "user").put("content", SUMMARIZE));
    return new JsonObject().put("model", model).put("input", input).put("store", false);
  }

  /** The compacted window: the item standing for the summary of everything before {@code keepFrom}, then the rest verbatim. */
  public static JsonArray compacted(JsonObject summaryItem, JsonArray window, int keepFrom) {
    JsonArray output = new JsonArray().add(summaryItem);
    for (int i = keepFrom; i < window.size(); i++) {
      output.add(window.getJsonObject(i));
    }
    return output;
  }
}
