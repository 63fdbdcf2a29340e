package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * How a context window is compacted: everything from the last user message on (the latest turn, with any
 * tool calls and outputs after it) is kept verbatim; everything before it is replaced by one developer
 * message holding a summary written by the model. Splitting at a user message never separates a tool
 * call from its output.
 *
 * <p>A {@code compaction} item stands for everything before it: once opened (its sealed content read, or as
 * Parley stores the one a turn made, with that content beside it in fields no client sees), the latest one in a
 * window replaces the window up to it by its summary message and the {@code kept} items just before it (the
 * items an automatic compaction kept verbatim; none for {@code /v1/responses/compact}, whose kept items follow it).
 */
public final class Compaction {

  private static final String SUMMARIZE = "Summarize the conversation above so that it can replace it as "
      + "context for the rest of the conversation. Keep every fact, name, number, decision, open question and "
      + "tool result that may matter later. Write only the summary.";

  static final String SUMMARY_PREFIX = "Summary of the earlier part of this conversation:\n";

  /** Fields of an opened compaction item, never shown to a client ({@link OutputView} removes them). */
  static final String SUMMARY = "x-parley-summary";
  static final String KEPT = "x-parley-kept";

  private Compaction() {
  }

  /** The developer message that a {@code compaction} item stands for once opened. */
  public static JsonObject summaryMessage(String id, String summary) {
    return InputItems.message("developer", new JsonArray().add(InputItems.textPart("input_text", SUMMARY_PREFIX + summary)),
        id, "completed");
  }

  /** The developer message an opened {@code compaction} item stands for. */
  public static JsonObject summaryMessage(JsonObject opened) {
    return summaryMessage(opened.getString("id"), opened.getString(SUMMARY));
  }

  /** {@code item} opened: with its summary and how many items before it it keeps, beside its sealed content. */
  public static JsonObject opened(JsonObject item, String summary, int kept) {
    return item.copy().put(SUMMARY, summary).put(KEPT, kept);
  }

  /** Whether the item is a {@code compaction} item with its content beside it (as Parley stores the ones it makes). */
  public static boolean isOpened(JsonObject item) {
    return "compaction".equals(item.getValue("type")) && item.getValue(SUMMARY) instanceof String;
  }

  /** The item as a client sees it: without its opened content. */
  static JsonObject forClient(JsonObject item) {
    JsonObject shown = item.copy();
    shown.remove(SUMMARY);
    shown.remove(KEPT);
    return shown;
  }

  /**
   * The window from its latest opened compaction item on: that item's summary message, the items it keeps
   * before it, then everything after it. The same list when there is none (the common case: one scan).
   *
   * @param window batches of items, oldest first (a chain's inputs and outputs, or one list of items)
   */
  public static List<JsonArray> fromLatest(List<JsonArray> window) {
    for (int b = window.size() - 1; b >= 0; b--) {
      JsonArray batch = window.get(b);
      for (int i = batch.size() - 1; i >= 0; i--) {
        if (batch.getValue(i) instanceof JsonObject item && isOpened(item)) {
          return cut(window, b, i, item);
        }
      }
    }
    return window;
  }

  /** {@link #fromLatest(List)} of one list of items: the same array when it holds no opened compaction item. */
  public static JsonArray fromLatest(JsonArray items) {
    List<JsonArray> from = fromLatest(List.of(items));
    if (from.size() == 1 && from.get(0) == items) {
      return items;
    }
    JsonArray all = new JsonArray();
    from.forEach(all::addAll);
    return all;
  }

  private static List<JsonArray> cut(List<JsonArray> window, int b, int i, JsonObject item) {
    int wanted = item.getValue(KEPT) instanceof Number n ? Math.max(0, n.intValue()) : 0;
    List<Object> kept = new ArrayList<>();
    for (int bb = b, ii = i - 1; bb >= 0 && kept.size() < wanted; ) {
      if (ii < 0) {
        if (--bb >= 0) {
          ii = window.get(bb).size() - 1;
        }
        continue;
      }
      Object earlier = window.get(bb).getValue(ii--);
      if (!(earlier instanceof JsonObject e && "compaction".equals(e.getValue("type")))) {
        kept.add(0, earlier);
      }
    }
    List<JsonArray> from = new ArrayList<>(window.size() - b + 2);
    from.add(new JsonArray().add(summaryMessage(item)));
    if (!kept.isEmpty()) {
      from.add(new JsonArray(kept));
    }
    JsonArray batch = window.get(b);
    if (i + 1 < batch.size()) {
      from.add(new JsonArray(new ArrayList<>(batch.getList().subList(i + 1, batch.size()))));
    }
    from.addAll(window.subList(b + 1, window.size()));
    return from;
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
