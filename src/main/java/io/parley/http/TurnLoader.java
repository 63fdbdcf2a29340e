package io.parley.http;

import io.parley.cache.Chain;
import io.parley.cache.ChainCache;
import io.parley.protocol.ChatPrefix;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.ApiError;
import io.parley.protocol.ContextWindows;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Truncation;
import io.parley.tokens.TokenCounter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.parley.protocol.Ids;
import io.parley.state.ConversationStore;
import io.parley.state.MissingTurnException;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Starts a {@link Turn} with its history: the {@code previous_response_id} chain or the conversation's
 * items, for the request's tenant. Shared by everything that must see exactly what a real turn would send
 * (create, input token counts, compaction).
 */
final class TurnLoader {

  /** A finished turn as it is stored, and the chain that now ends with it. */
  record Finished(StoredResponse stored, Chain chain) {
  }

  private final ResponseStore store;
  private final ConversationStore conversations;
  private final ContextWindows windows;
  private final Vertx vertx;
  private final ChainCache cache;
  private final boolean prefixOnly;

  /** @param prefixOnly whether provider calls are built from a chain's serialized prefix alone (then that is all the cache keeps) */
  TurnLoader(ResponseStore store, ConversationStore conversations, ContextWindows windows, Vertx vertx,
      ChainCache cache, boolean prefixOnly) {
    this.cache = cache;
    this.store = store;
    this.conversations = conversations;
    this.windows = windows;
    this.vertx = vertx;
    this.prefixOnly = prefixOnly;
  }

  Future<Turn> start(RoutingContext ctx, CreateRequest request) {
    return start(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request);
  }

  /** A turn ready to send: references resolved, its history loaded (from the cache when it can be) and fitted. */
  Future<Turn> start(String tenant, String providerKey, CreateRequest request) {
    return resolveReferences(tenant, request.input())
        .compose(v -> load(tenant, providerKey, request, true))
        .compose(this::fit);
  }

  /** As {@link #start}, with the history's items loaded even when the cache holds the chain (compaction reads them). */
  Future<Turn> startWithItems(RoutingContext ctx, CreateRequest request) {
    String tenant = Authenticator.tenant(ctx);
    return resolveReferences(tenant, request.input())
        .compose(v -> load(tenant, ctx.get(Authenticator.PROVIDER_KEY), request, false))
        .compose(this::fit);
  }

  /** Replaces each {@code item_reference} in the input by the stored item it names (400 if there is none). */
  private Future<Void> resolveReferences(String tenant, JsonArray input) {
    List<Future<?>> lookups = new java.util.ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      JsonObject item = input.getJsonObject(i);
      if ("item_reference".equals(item.getString("type"))) {
        int at = i;
        String id = item.getString("id");
        lookups.add(store.findItem(tenant, id).map(found -> {
          if (found == null) {
            throw ApiError.badRequest("invalid_value", "input[" + at + "].id", "Item with id '" + id + "' not found.");
          }
          input.set(at, found.copy());
          return null;
        }));
      }
    }
    return lookups.isEmpty() ? Future.succeededFuture() : Future.all(lookups).mapEmpty();
  }

  /** The turn with references resolved and its whole history's items, not fitted to the context window (for counting it). */
  Future<Turn> unfitted(String tenant, String providerKey, CreateRequest request) {
    return resolveReferences(tenant, request.input()).compose(v -> load(tenant, providerKey, request, false));
  }

  private Future<Turn> load(String tenant, String providerKey, CreateRequest request, boolean cached) {
    return request.conversationId() != null
        ? conversationItems(tenant, request.conversationId())
            .map(items -> Turn.start(tenant, providerKey, request, Chain.EMPTY, items))
        : loadChain(tenant, request, cached).map(chain -> Turn.start(tenant, providerKey, request, chain));
  }

  /**
   * Checks the turn against its model's context window, truncating if asked. A chain whose prefix carries
   * its token count (counted when its turns were stored) only has this turn's new messages tokenized;
   * otherwise, or when the turn is over the window, the whole history is counted (off the event loop).
   */
  private Future<Turn> fit(Turn turn) {
    int window = windows.windowFor(turn.request().model());
    if (window <= 0) {
      return Future.succeededFuture(turn);
    }
    ChatPrefix prefix = turn.conversationItems().isEmpty() ? turn.chain().prefix() : null;
    boolean counted = prefix != null && (prefix.isEmpty()
        || TokenCounter.encodingFor(turn.request().model()).getName().equals(prefix.encoding()));
    if (!counted) {
      return withTurns(turn).compose(loaded -> fitItems(loaded, window));
    }
    return vertx.executeBlocking(() -> prefix.serializedTokens(TokenCounter.messages(turn.request().model()))
            + TokenCounter.countChatRequest(ChatRequestBuilder.uncounted(turn.request(), prefix)), false)
        .compose(tokens -> tokens <= Truncation.budget(turn.request(), window) ? Future.succeededFuture(turn)
            : withTurns(turn).compose(loaded -> fitItems(loaded, window)));
  }

  private Future<Turn> fitItems(Turn turn, int window) {
    return vertx.executeBlocking(() -> Truncation.fit(turn.request(), turn.history(), window,
            TokenCounter::countChatRequest), false)
        .map(fitted -> {
          if (fitted.dropped() > 0) {
            turn.response().put("x-parley-truncation", new JsonObject().put("dropped_items", fitted.dropped()));
          }
          return turn.fitted(fitted.history());
        });
  }

  /** The turn with its chain's turns themselves, loaded from the store if the cache held only their prefix. */
  private Future<Turn> withTurns(Turn turn) {
    if (turn.chain().hasTurns()) {
      return Future.succeededFuture(turn);
    }
    return loadChain(turn.tenant(), turn.request(), false).map(turn::withChain);
  }

  private Future<JsonArray> conversationItems(String tenant, String conversationId) {
    return conversations.items(tenant, conversationId).compose(items -> items != null
        ? Future.succeededFuture(items)
        : Future.failedFuture(new ApiError(404, "invalid_request_error", "not_found", "conversation",
            "Conversation with id '" + conversationId + "' not found.")));
  }

  private Future<Chain> loadChain(String tenant, CreateRequest request, boolean cached) {
    String previous = request.previousResponseId();
    if (previous == null) {
      return Future.succeededFuture(Chain.EMPTY);
    }
    if (!Ids.isResponseId(previous)) {
      return Future.failedFuture(ApiError.previousResponseNotFound(previous));
    }
    Chain held = cached ? cache.get(tenant, previous) : null;
    Future<Chain> chain = held != null
        // Held in memory: one round trip checks nothing was deleted or expired (and renews the TTLs).
        ? store.touchChain(tenant, held.ids()).map(held)
            .onFailure(err -> cache.invalidate(tenant, previous))
        : store.loadChain(tenant, previous).map(Chain::loaded)
            .onSuccess(loaded -> cache.put(tenant, loaded.forCache(prefixOnly)));
    return chain.recover(err -> Future.failedFuture(
        err instanceof MissingTurnException missing ? chainBroken(previous, missing.missingId()) : err));
  }

  /**
   * The turn as it is stored and the chain it ends. The chain's serialized prefix is extended by this
   * turn's messages, and when the model has a context window they are counted, once, and stored with the
   * turn (off the event loop), so no later turn tokenizes them again.
   */
  Future<Finished> finish(Turn turn) {
    Chain chain = turn.chain();
    if (!chain.hasPrefix()) {
      StoredResponse stored = turn.toStored();
      return Future.succeededFuture(new Finished(stored, chain.then(stored, null)));
    }
    String model = turn.request().model();
    List<JsonArray> items = List.of(turn.request().input(), turn.response().getJsonArray("output", new JsonArray()));
    if (windows.windowFor(model) <= 0) {
      return Future.succeededFuture(finished(turn, chain.prefix().extend(items, null)));
    }
    return vertx.executeBlocking(() -> finished(turn, chain.prefix().extend(items, TokenCounter.messages(model))), false);
  }

  private static Finished finished(Turn turn, ChatPrefix extended) {
    StoredResponse stored = turn.toStored(extended.encoding() == null ? null
        : new StoredResponse.Tokens(extended.encoding(), extended.historyTokens()));
    return new Finished(stored, turn.chain().then(stored, extended));
  }

  /** Remembers a just-stored turn's chain, so the next turn continues from memory. */
  void remember(String tenant, Chain chain) {
    cache.put(tenant, chain.forCache(prefixOnly));
  }

  void forget(String tenant, String id) {
    cache.invalidate(tenant, id);
  }

  private static ApiError chainBroken(String previous, String missing) {
    if (previous.equals(missing)) {
      return ApiError.previousResponseNotFound(previous);
    }
    return ApiError.badRequest("previous_response_not_found", "previous_response_id",
        "Previous response with id '" + previous + "' cannot be continued: its earlier turn '" + missing
            + "' has expired or was deleted.");
  }
}
