package io.parley.http;

import io.parley.cache.ChainCache;
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

  private final ResponseStore store;
  private final ConversationStore conversations;
  private final ContextWindows windows;
  private final Vertx vertx;
  private final ChainCache cache;

  TurnLoader(ResponseStore store, ConversationStore conversations, ContextWindows windows, Vertx vertx,
      ChainCache cache) {
    this.cache = cache;
    this.store = store;
    this.conversations = conversations;
    this.windows = windows;
    this.vertx = vertx;
  }

  Future<Turn> start(RoutingContext ctx, CreateRequest request) {
    return start(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request);
  }

  Future<Turn> start(String tenant, String providerKey, CreateRequest request) {
    return resolveReferences(tenant, request.input())
        .compose(v -> load(tenant, providerKey, request))
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

  /** The turn with references resolved and its whole history, not fitted to the context window (for counting it). */
  Future<Turn> unfitted(String tenant, String providerKey, CreateRequest request) {
    return resolveReferences(tenant, request.input()).compose(v -> load(tenant, providerKey, request));
  }

  /** The turn with its whole history as stored. */
  Future<Turn> load(String tenant, String providerKey, CreateRequest request) {
    return request.conversationId() != null
        ? conversationItems(tenant, request.conversationId())
            .map(items -> Turn.start(tenant, providerKey, request, List.of(), items))
        : loadChain(tenant, request).map(chain -> Turn.start(tenant, providerKey, request, chain));
  }

  /** Checks the turn against its model's context window (tokenizing off the event loop), truncating if asked. */
  private Future<Turn> fit(Turn turn) {
    int window = windows.windowFor(turn.request().model());
    if (window <= 0) {
      return Future.succeededFuture(turn);
    }
    return vertx.executeBlocking(() -> Truncation.fit(turn.request(), turn.history(), window,
            TokenCounter::countChatRequest), false)
        .map(fitted -> {
          if (fitted.dropped() > 0) {
            turn.response().put("x-parley-truncation", new JsonObject().put("dropped_items", fitted.dropped()));
          }
          return turn.fitted(fitted.history());
        });
  }

  private Future<JsonArray> conversationItems(String tenant, String conversationId) {
    return conversations.items(tenant, conversationId).compose(items -> items != null
        ? Future.succeededFuture(items)
        : Future.failedFuture(new ApiError(404, "invalid_request_error", "not_found", "conversation",
            "Conversation with id '" + conversationId + "' not found.")));
  }

  private Future<List<StoredResponse>> loadChain(String tenant, CreateRequest request) {
    String previous = request.previousResponseId();
    if (previous == null) {
      return Future.succeededFuture(List.of());
    }
    if (!Ids.isResponseId(previous)) {
      return Future.failedFuture(ApiError.previousResponseNotFound(previous));
    }
    List<StoredResponse> cached = cache.get(tenant, previous);
    Future<List<StoredResponse>> chain = cached != null
        // Held in memory: one round trip checks nothing was deleted or expired (and renews the TTLs).
        ? store.touchChain(tenant, ids(cached)).map(cached)
            .onFailure(err -> cache.invalidate(tenant, previous))
        : store.loadChain(tenant, previous).onSuccess(loaded -> cache.put(tenant, loaded));
    return chain.recover(err -> Future.failedFuture(
        err instanceof MissingTurnException missing ? chainBroken(previous, missing.missingId()) : err));
  }

  /** Remembers a just-stored turn's chain, so the next turn continues from memory. */
  void remember(Turn turn) {
    List<StoredResponse> chain = new java.util.ArrayList<>(turn.chain());
    chain.add(turn.toStored());
    cache.put(turn.tenant(), chain);
  }

  void forget(String tenant, String id) {
    cache.invalidate(tenant, id);
  }

  private static List<String> ids(List<StoredResponse> chain) {
    return chain.stream().map(StoredResponse::id).toList();
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
