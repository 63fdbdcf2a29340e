package io.parley.turn;

import io.parley.protocol.ChatPrefix;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.ContextWindows;
import io.parley.protocol.Truncation;
import io.parley.tokens.TokenCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Checks a turn against its model's context window, truncating if asked (a 400 when {@code truncation} is
 * {@code disabled} and it does not fit). A chain whose prefix carries its token count (counted when its
 * turns were stored) only has this turn's new messages tokenized; otherwise, or when the turn is over the
 * window, the whole history is counted. Counting runs off the event loop.
 */
final class ContextFit {

  private final ContextWindows windows;
  private final Vertx vertx;
  private final HistoryLoader history;

  ContextFit(ContextWindows windows, Vertx vertx, HistoryLoader history) {
    this.windows = windows;
    this.vertx = vertx;
    this.history = history;
  }

  Future<Turn> fit(Turn turn) {
    int window = windows.windowFor(turn.request().model());
    if (window <= 0) {
      return Future.succeededFuture(turn);
    }
    ChatPrefix prefix = countedPrefix(turn);
    if (prefix == null) {
      return history.withTurns(turn).compose(loaded -> fitItems(loaded, window));
    }
    return prefixTokens(turn, prefix)
        .compose(tokens -> tokens <= Truncation.budget(turn.request(), window) ? Future.succeededFuture(turn)
            : history.withTurns(turn).compose(loaded -> fitItems(loaded, window)));
  }

  /**
   * The tokens the turn sends as it stands (history and input, instructions and tools), counted off the event
   * loop: from its chain's counted prefix when it has one, else over its items (read from the store if need be).
   */
  Future<Integer> tokens(Turn turn) {
    ChatPrefix prefix = countedPrefix(turn);
    if (prefix != null) {
      return prefixTokens(turn, prefix);
    }
    if (turn.fittedHistory() == null && turn.conversationItems().isEmpty() && !turn.chain().hasTurns()) {
      return history.withTurns(turn).compose(this::tokens);
    }
    List<JsonArray> sent = turn.fittedHistory() != null ? turn.fittedHistory() : turn.history();
    return vertx.executeBlocking(() -> TokenCounter.countChatRequest(ChatRequestBuilder.build(turn.sentRequest(), sent, false)),
        false);
  }

  /** The turn's whole chain as its prefix, when that carries its history's token count (or is empty); else {@code null}. */
  private static ChatPrefix countedPrefix(Turn turn) {
    if (turn.fittedHistory() != null || !turn.conversationItems().isEmpty()) {
      return null;
    }
    ChatPrefix prefix = turn.chain().prefix();
    return prefix.isEmpty() || TokenCounter.encodingFor(turn.request().model()).getName().equals(prefix.encoding())
        ? prefix : null;
  }

  /** The prefix's counted tokens plus those of what the turn adds after it, counted off the event loop. */
  private Future<Integer> prefixTokens(Turn turn, ChatPrefix prefix) {
    return vertx.executeBlocking(() -> prefix.serializedTokens(TokenCounter.messages(turn.request().model()))
        + TokenCounter.countChatRequest(ChatRequestBuilder.uncounted(turn.sentRequest(), prefix)), false);
  }

  private Future<Turn> fitItems(Turn turn, int window) {
    return vertx.executeBlocking(() -> Truncation.fit(turn.sentRequest(), turn.history(), window,
            TokenCounter::countChatRequest), false)
        .map(fitted -> turn.fitted(fitted.history(), fitted.dropped()));
  }
}
