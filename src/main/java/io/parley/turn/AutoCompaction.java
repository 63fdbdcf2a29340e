package io.parley.turn;

import io.parley.protocol.ApiError;
import io.parley.protocol.Compaction;
import io.parley.protocol.ContextWindows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code context_management: [{"type": "compaction", "compact_threshold": N}]}: a turn whose context (history
 * and input, as it would be sent) counts more than N tokens is compacted before its first provider call. The
 * turn is planned here, while it is prepared ({@link Compacting}); its run writes the summary, puts the
 * {@code compaction} item first in its output, and sends the summary and the kept items in place of the rest.
 * Without a threshold, 80 % of the model's context window. A Responses-API provider compacts by itself (the
 * field is passed to it).
 */
final class AutoCompaction {

  private final ContextFit fit;
  private final HistoryLoader history;
  private final ContextWindows windows;
  private final boolean providerCompacts;

  AutoCompaction(ContextFit fit, HistoryLoader history, ContextWindows windows, boolean providerCompacts) {
    this.fit = fit;
    this.history = history;
    this.windows = windows;
    this.providerCompacts = providerCompacts;
  }

  Future<Turn> plan(Turn turn) {
    Integer asked = turn.request().compactThreshold();
    if (asked == null || providerCompacts) {
      return Future.succeededFuture(turn);
    }
    int threshold = asked > 0 ? asked : windows.windowFor(turn.request().model()) * 4 / 5;
    if (threshold <= 0) {
      return Future.failedFuture(ApiError.invalidValue("context_management[0].compact_threshold", "Give a"
          + " compact_threshold: Parley knows no context window for model '" + turn.request().model()
          + "' to derive one from (configure context_windows)."));
    }
    return fit.tokens(turn).compose(tokens -> tokens <= threshold ? Future.succeededFuture(turn)
        : history.withTurns(turn).map(AutoCompaction::planned));
  }

  /** The turn with its plan: everything before its last user message summarized, the rest kept; as it is if nothing precedes it. */
  private static Turn planned(Turn turn) {
    List<JsonArray> sent = turn.fittedHistory() != null ? turn.fittedHistory() : turn.history();
    JsonArray window = Compaction.window(sent, turn.sentInput());
    int keepFrom = Compaction.keepFrom(window);
    if (keepFrom == 0) {
      return turn;
    }
    int historyItems = window.size() - turn.sentInput().size();
    List<JsonArray> keptHistory = new ArrayList<>(1);
    if (keepFrom < historyItems) {
      keptHistory.add(slice(window, keepFrom, historyItems));
    }
    return turn.compacting(new Compacting(slice(window, 0, keepFrom), keptHistory,
        slice(window, Math.max(keepFrom, historyItems), window.size()), null));
  }

  private static JsonArray slice(JsonArray items, int from, int to) {
    return new JsonArray(new ArrayList<>(items.getList().subList(from, to)));
  }
}
