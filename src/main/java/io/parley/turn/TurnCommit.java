package io.parley.turn;

import io.parley.cache.Chain;
import io.parley.protocol.ChatPrefix;
import io.parley.protocol.Compaction;
import io.parley.protocol.Usage;
import io.parley.protocol.ContextWindows;
import io.parley.state.ConversationStore;
import io.parley.state.RecentResponse;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.parley.tokens.TokenCounter;
import io.parley.upstream.Placement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The finish step of a turn that reached its end: counts its tokens for the tenant's token limit, stores it
 * (unless {@code store:false}) and appends its items to its conversation, all before the client hears
 * that the response is complete; and stores the state of a background turn that did not complete. Every
 * stored state also goes to the recent-responses index, after the store has it and without being waited for:
 * the console's index is never on the client's path.
 */
final class TurnCommit {

  private static final Logger LOG = LoggerFactory.getLogger(TurnCommit.class);

  private final ResponseStore store;
  private final RecentResponses recent;
  private final ConversationStore conversations;
  private final ContextWindows windows;
  private final Vertx vertx;
  private final HistoryLoader history;
  private final BiConsumer<String, Long> tokenMeter;
  private final Duration retryBudget;
  private final FileInputs files;

  TurnCommit(ResponseStore store, RecentResponses recent, ConversationStore conversations, ContextWindows windows,
      Vertx vertx, HistoryLoader history, BiConsumer<String, Long> tokenMeter, Duration retryBudget, FileInputs files) {
    this.files = files;
    this.retryBudget = retryBudget;
    this.store = store;
    this.recent = recent;
    this.conversations = conversations;
    this.windows = windows;
    this.vertx = vertx;
    this.history = history;
    this.tokenMeter = tokenMeter;
  }

  /**
   * @param response  the finished response
   * @param keepChain whether the chain ending with this turn is wanted even when it is not stored (a
   *                  WebSocket continues {@code store:false} chains from its own memory)
   * @param run       where the provider call went and when the request arrived, for the recent index
   * @return the chain that now ends with the turn, or {@code null} if it is neither stored nor wanted
   */
  Future<Chain> finished(Turn turn, JsonObject response, boolean keepChain, RunFacts run) {
    if (response.getValue("usage") instanceof JsonObject usage) {
      tokenMeter.accept(turn.tenant(), Usage.count(usage, "total_tokens", 0));
    }
    Future<Chain> stored = turn.request().store()
        ? extend(turn, response).compose(done -> StoreRetry.write(vertx, retryBudget, () -> store.put(turn.tenant(), done.stored()))
            .onSuccess(v -> {
              history.remember(turn.tenant(), done.chain());
              index(turn.tenant(), done.stored(), run);
            })
            .map(done.chain()))
        : keepChain ? extend(turn, response).map(Extended::chain) : Future.succeededFuture();
    String conversation = turn.request().conversationId();
    return conversation == null ? stored
        : stored.compose(chain -> StoreRetry.write(vertx, retryBudget,
            () -> conversations.append(turn.tenant(), conversation, turn.newItems(response))).map(chain));
  }

  /** Stores a turn's response as it stands (a background turn queued, failed or cancelled). */
  Future<Void> state(Turn turn, JsonObject response, RunFacts run) {
    StoredResponse stored = turn.toStored(response, null);
    return StoreRetry.write(vertx, retryBudget, () -> store.put(turn.tenant(), stored))
        .onSuccess(v -> index(turn.tenant(), stored, run));
  }

  /** What the stored turn does not hold but the console shows: where its provider call went, how long it took. */
  record RunFacts(Placement placement, long startNanos) {
  }

  private void index(String tenant, StoredResponse stored, RunFacts run) {
    if (recent == RecentResponses.NONE) {
      return;
    }
    long latencyMs = (System.nanoTime() - run.startNanos()) / 1_000_000;
    recent.record(tenant, RecentResponse.of(stored, run.placement().header(), latencyMs, System.currentTimeMillis()))
        .onFailure(err -> LOG.debug("recent-responses index not written: {}", err.toString()));
  }

  /** A finished turn as it is stored, and the chain that now ends with it. */
  private record Extended(StoredResponse stored, Chain chain) {
  }

  /**
   * The chain's serialized prefix is extended by this turn's messages; when the model has a context window
   * they are counted, once, and stored with the turn (off the event loop), so no later turn tokenizes them.
   */
  private Future<Extended> extend(Turn turn, JsonObject response) {
    Chain chain = turn.chain();
    if (turn.compaction() != null) {
      return compacted(turn, response);
    }
    if (!chain.hasPrefix()) {
      StoredResponse stored = turn.toStored(response, null);
      return Future.succeededFuture(new Extended(stored, chain.then(turn.asSent(stored), null, turn.files(),
          files.asText(turn.request().model()))));
    }
    String model = turn.request().model();
    // The messages as they were sent, files and all: the next turn's prefix is then byte for byte this one's.
    List<JsonArray> items = List.of(turn.sentInput(), response.getJsonArray("output", new JsonArray()));
    if (windows.windowFor(model) <= 0) {
      return Future.succeededFuture(extended(turn, response, chain.prefix().extend(items, null)));
    }
    return vertx.executeBlocking(() -> extended(turn, response, chain.prefix().extend(items, TokenCounter.messages(model))),
        false);
  }

  /**
   * A compacted turn starts its chain's prefix again: the summary, the kept items, then its output, as
   * {@link Chain#items} reads the stored chain from its latest compaction on (so both give the same bytes).
   */
  private Future<Extended> compacted(Turn turn, JsonObject response) {
    String model = turn.request().model();
    List<JsonArray> items = Compaction.fromLatest(List.of(turn.compacting().keptItems(),
        response.getJsonArray("output", new JsonArray())));
    if (windows.windowFor(model) <= 0) {
      return Future.succeededFuture(extended(turn, response, ChatPrefix.EMPTY.extend(items, null)));
    }
    return vertx.executeBlocking(() -> extended(turn, response, ChatPrefix.EMPTY.extend(items, TokenCounter.messages(model))),
        false);
  }

  private Extended extended(Turn turn, JsonObject response, ChatPrefix prefix) {
    StoredResponse stored = turn.toStored(response, prefix.encoding() == null ? null
        : new StoredResponse.Tokens(prefix.encoding(), prefix.historyTokens()));
    return new Extended(stored, turn.chain().then(turn.asSent(stored), prefix, turn.files(),
        files.asText(turn.request().model())));
  }
}
