package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Fits a turn into its model's context window. With {@code truncation: "disabled"} (the default, as
 * OpenAI) a turn over the window is a 400 {@code context_length_exceeded}; with {@code "auto"} the oldest
 * history is dropped, only ever at a user message (so a tool call is never separated from its output),
 * and never this turn's instructions or input.
 */
public final class Truncation {

  /** What was sent: the history kept (one list, oldest first) and how many history items were dropped. */
  public record Fitted(List<JsonArray> history, int dropped) {
  }

  private Truncation() {
  }

  /**
   * @param window  the model's context window in tokens
   * @param counter counts the tokens of a Chat Completions request
   */
  public static Fitted fit(CreateRequest request, List<JsonArray> history, int window, ToIntFunction<JsonObject> counter) {
    int budget = budget(request, window);
    int total = counter.applyAsInt(ChatRequestBuilder.build(request, history, false));
    if (total <= budget) {
      return new Fitted(history, 0);
    }
    if (!"auto".equals(request.raw().getString("truncation"))) {
      throw tooLong(total, budget);
    }
    JsonArray items = Compaction.window(history, new JsonArray());
    for (int cut : userBoundaries(items)) {
      List<JsonArray> kept = List.of(new JsonArray(items.getList().subList(cut, items.size())));
      if (counter.applyAsInt(ChatRequestBuilder.build(request, kept, false)) <= budget) {
        return new Fitted(kept, cut);
      }
    }
    List<JsonArray> none = List.of();
    int bare = counter.applyAsInt(ChatRequestBuilder.build(request, none, false));
    if (bare <= budget) {
      return new Fitted(none, items.size());
    }
    throw tooLong(bare, budget);
  }

  /** The tokens the input may take: the window less what the request reserves for output. */
  public static int budget(CreateRequest request, int window) {
    return window - request.raw().getInteger("max_output_tokens", 0);
  }

  /** Indexes of user messages after the first item: the places history may be cut, oldest first. */
  private static List<Integer> userBoundaries(JsonArray items) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      if ("message".equals(item.getString("type")) && "user".equals(item.getString("role"))) {
        cuts.add(i);
      }
    }
    return cuts;
  }

  private static ApiError tooLong(int tokens, int budget) {
    return ApiError.badRequest("context_length_exceeded", "input", "Your input is " + tokens
        + " tokens, over the " + budget + " this model's context window leaves (after max_output_tokens). "
        + "Shorten the input, or set truncation to 'auto' to drop the oldest turns.");
  }
}
