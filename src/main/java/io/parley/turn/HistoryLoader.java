package io.parley.turn;

import io.parley.cache.Chain;
import io.parley.cache.ContextCache;
import io.parley.protocol.ApiError;
import io.parley.protocol.Compaction;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.state.ConversationStore;
import io.parley.state.MissingTurnException;
import io.parley.state.ResponseStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Loads what a turn continues: its {@code previous_response_id} chain or its conversation's items, for its
 * tenant. The context cache's one owner: a chain held in memory is checked with one round trip instead of
 * being read, a chain read from the store is remembered, and a stored turn's chain replaces it.
 */
final class HistoryLoader {

  private final ResponseStore store;
  private final ConversationStore conversations;
  private final ContextCache cache;
  private final boolean prefixOnly;
  private final FileInputs files;
  private final boolean checkAlongside;
  private final CompactionSeal seal;

  /**
   * @param prefixOnly     whether provider calls are built from a chain's serialized prefix alone (then that is all the cache keeps)
   * @param files          puts the files that history read from the store names in place: a chain held in the cache holds them
   * @param checkAlongside whether a cached chain's check runs while the provider is called ({@code chain_check=concurrent});
   *                       else every turn checks first, as background turns always do
   */
  HistoryLoader(ResponseStore store, ConversationStore conversations, ContextCache cache, boolean prefixOnly,
      FileInputs files, boolean checkAlongside, CompactionSeal seal) {
    this.seal = seal;
    this.files = files;
    this.checkAlongside = checkAlongside;
    this.store = store;
    this.conversations = conversations;
    this.cache = cache;
    this.prefixOnly = prefixOnly;
  }

  /** @param cached whether a chain held in the cache may stand in for its turns (not when they must be read) */
  Future<Turn> load(String tenant, String providerKey, CreateRequest request, boolean cached) {
    if (request.conversationId() != null) {
      return conversationItems(tenant, request.conversationId())
          .map(items -> fromLatestCompaction(tenant, items))
          .compose(items -> files.items(tenant, request.model(), items))
          .map(items -> Turn.start(tenant, providerKey, request, Chain.EMPTY, items));
    }
    boolean later = checkAlongside && !request.background();
    Chain held = cached && later ? held(tenant, request) : null;
    return held != null ? Future.succeededFuture(checkedLater(tenant, providerKey, request, held))
        : chain(tenant, request, cached && !later)
            .map(chain -> Turn.start(tenant, providerKey, request, chain));
  }

  /** The chain held in memory, if it holds its documents as this turn's model is sent them. */
  private Chain held(String tenant, CreateRequest request) {
    String previous = request.previousResponseId();
    Chain inCache = previous == null || !Ids.isResponseId(previous) ? null : cache.get(tenant, previous);
    return inCache != null && files.fits(inCache, request.model()) ? inCache : null;
  }

  /**
   * A chain held in memory is used at once, and the one round trip that checks nothing of it was deleted or
   * expired (and renews the TTLs), with its files, runs while the provider is called: the run opens only once
   * it passed, and a failed check cancels the provider call and answers its 400. A background turn, stored as
   * queued before its call, checks first.
   */
  private Turn checkedLater(String tenant, String providerKey, CreateRequest request, Chain held) {
    String previous = request.previousResponseId();
    Future<Void> check = store.touchChain(tenant, held.ids())
        .compose(v -> files.stillThere(tenant, held.files()))
        .onFailure(err -> cache.invalidate(tenant, previous))
        .recover(err -> Future.failedFuture(
            err instanceof MissingTurnException missing ? chainBroken(previous, missing.missingId()) : err))
        .mapEmpty();
    return Turn.start(tenant, providerKey, request, held).checkedBy(check);
  }

  /** The turn with its chain's turns themselves, loaded from the store if the cache held only their prefix. */
  Future<Turn> withTurns(Turn turn) {
    if (turn.chain().hasTurns()) {
      return Future.succeededFuture(turn);
    }
    return chain(turn.tenant(), turn.request(), false).map(turn::withChain);
  }

  /** Remembers a just-stored turn's chain, so the next turn continues from memory. */
  void remember(String tenant, Chain chain) {
    cache.put(tenant, chain.forCache(prefixOnly));
  }

  void forget(String tenant, String id) {
    cache.invalidate(tenant, id);
  }

  /**
   * A conversation's items from its latest {@code compaction} item on: the ones its turns made are stored
   * opened; one a client added ({@code /v1/responses/compact}'s) is opened here, and left out if it does not open.
   */
  private JsonArray fromLatestCompaction(String tenant, JsonArray items) {
    JsonArray opened = null;
    for (int i = 0; i < items.size(); i++) {
      if (items.getValue(i) instanceof JsonObject item && "compaction".equals(item.getValue("type"))) {
        if (opened == null) {
          opened = new JsonArray(new java.util.ArrayList<>(items.getList())); // the store's own list stays as it is
        }
        if (!Compaction.isOpened(item)) {
          try {
            opened.set(i, seal.open(tenant, item, "conversation"));
          } catch (ApiError e) {
            // Not this gateway's for this tenant: stands for nothing (as the model never reads it).
          }
        }
      }
    }
    return opened == null ? items : Compaction.fromLatest(opened);
  }

  private Future<JsonArray> conversationItems(String tenant, String conversationId) {
    return conversations.items(tenant, conversationId).compose(items -> items != null
        ? Future.succeededFuture(items)
        : Future.failedFuture(new ApiError(404, "invalid_request_error", "not_found", "conversation",
            "Conversation with id '" + conversationId + "' not found.")));
  }

  private Future<Chain> chain(String tenant, CreateRequest request, boolean cached) {
    String previous = request.previousResponseId();
    if (previous == null) {
      return Future.succeededFuture(Chain.EMPTY);
    }
    if (!Ids.isResponseId(previous)) {
      return Future.failedFuture(ApiError.previousResponseNotFound(previous));
    }
    Chain inCache = cached ? cache.get(tenant, previous) : null;
    // A chain holding its documents as another model is sent them is read again, its files put in place for this one.
    Chain held = inCache != null && files.fits(inCache, request.model()) ? inCache : null;
    Future<Chain> chain = held != null
        // Held in memory: one round trip checks nothing was deleted or expired (and renews the TTLs).
        ? store.touchChain(tenant, held.ids())
            .compose(v -> files.stillThere(tenant, held.files())).map(held)
            .onFailure(err -> cache.invalidate(tenant, previous))
        : store.loadChain(tenant, previous)
            .compose(turns -> files.chain(tenant, request.model(), turns))
            .onSuccess(loaded -> cache.put(tenant, loaded.forCache(prefixOnly)));
    return chain.recover(err -> Future.failedFuture(
        err instanceof MissingTurnException missing ? chainBroken(previous, missing.missingId()) : err));
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
