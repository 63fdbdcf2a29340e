package io.parley.turn;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An automatic compaction ({@code context_management}) of one turn: the older part of what the turn would send,
 * which the model summarizes, and what stays verbatim after the summary (from the last user message on).
 *
 * @param older       the items to summarize, oldest first
 * @param keptHistory the kept items that come from the turn's history (as batches)
 * @param keptInput   the kept items of the turn's input (as sent)
 * @param item        the {@code compaction} item, opened, once the summary is written; else {@code null}
 */
record Compacting(JsonArray older, List<JsonArray> keptHistory, JsonArray keptInput, JsonObject item) {

  /** How many items stay verbatim before the {@code compaction} item. */
  int kept() {
    int kept = keptInput.size();
    for (JsonArray batch : keptHistory) {
      kept += batch.size();
    }
    return kept;
  }

  Compacting with(JsonObject made) {
    return new Compacting(older, keptHistory, keptInput, made);
  }

  /** The kept items, oldest first, in one list. */
  JsonArray keptItems() {
    JsonArray all = new JsonArray();
    keptHistory.forEach(all::addAll);
    return all.addAll(keptInput);
  }
}
