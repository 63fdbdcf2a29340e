package io.parley.turn;

import io.parley.cache.Chain;
import io.parley.protocol.Compaction;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.FileParts;
import io.parley.protocol.Ids;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.ResponseObject;
import io.parley.protocol.ToolHistory;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One turn as prepared: the validated request, the chain or conversation it continues, its new id, and
 * what the context window let through. Immutable; the response it produces is built by its {@link TurnRun}.
 *
 * @param fittedHistory what is sent when the history had to be cut to the context window, else {@code null}
 * @param droppedItems  how many history items the cut dropped (0 when none)
 * @param chainCheck    whether the chain, taken from the context cache, still exists in the store: checked
 *                      while the provider is called, and the run opens only once it passed
 * @param sentInput     this turn's input as the provider is sent it: the request's input (which is what is stored)
 *                      with the stored files it names in place (the same array when it names none)
 * @param compacting    when its context crossed its {@code context_management} threshold: what is summarized and
 *                      what is kept (and, once summarized, the {@code compaction} item), else {@code null}
 */
public record Turn(String tenant, String providerKey, CreateRequest request, Chain chain,
    JsonArray conversationItems, String id, long createdAt, List<JsonArray> fittedHistory, int droppedItems,
    Future<Void> chainCheck, JsonArray sentInput, Compacting compacting) {

  /** A turn continuing a {@code previous_response_id} chain (or starting one). */
  public static Turn start(String tenant, String providerKey, CreateRequest request, Chain chain) {
    return start(tenant, providerKey, request, chain, new JsonArray());
  }

  /** A turn in a conversation: the conversation's items come first. */
  static Turn start(String tenant, String providerKey, CreateRequest request, Chain chain,
      JsonArray conversationItems) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, Ids.newResponseId(request.previousResponseId()),
        System.currentTimeMillis() / 1000, null, 0, Future.succeededFuture(), request.input(), null);
  }

  /** The same turn, sending only {@code history} (what fits the context window). */
  Turn fitted(List<JsonArray> history, int dropped) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, id, createdAt, history, dropped, chainCheck,
        sentInput, compacting);
  }

  /** The same turn sending {@code sent} as its input (its files in place). */
  Turn withSentInput(JsonArray sent) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, id, createdAt, fittedHistory, droppedItems,
        chainCheck, sent, compacting);
  }

  /** The ids of the stored files this turn's input names. */
  java.util.Set<String> files() {
    return FileParts.ids(request.input());
  }

  /** The request as the provider is sent it: with {@link #sentInput}. */
  public CreateRequest sentRequest() {
    return sentInput == request.input() ? request : request.withInput(sentInput);
  }

  /**
   * {@code stored} (this turn as stored) as a chain held in memory keeps it: with its input as sent, so that a
   * later turn continuing from memory sends its files again without reading them.
   */
  StoredResponse asSent(StoredResponse stored) {
    return sentInput == request.input() ? stored
        : new StoredResponse(stored.id(), stored.parentId(), stored.ancestors(), sentInput, stored.response(), stored.tokens());
  }

  /** The same turn with its chain's turns loaded (when it was continued from the cache's prefix alone). */
  Turn withChain(Chain loaded) {
    return new Turn(tenant, providerKey, request, loaded, conversationItems, id, createdAt, fittedHistory, droppedItems,
        chainCheck, sentInput, compacting);
  }

  /** The same turn, whose cached chain is being checked against the store by {@code check}. */
  Turn checkedBy(Future<Void> check) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, id, createdAt, fittedHistory, droppedItems,
        check, sentInput, compacting);
  }

  /** The same turn, to be compacted as {@code plan} says before its first provider call. */
  Turn compacting(Compacting plan) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, id, createdAt, fittedHistory, droppedItems,
        chainCheck, sentInput, plan);
  }

  /**
   * The same turn compacted by {@code item} (opened): it sends the item's summary message and the kept items
   * in place of its history and input.
   */
  Turn compacted(JsonObject item) {
    List<JsonArray> sent = new ArrayList<>(1 + compacting.keptHistory().size());
    sent.add(new JsonArray().add(Compaction.summaryMessage(item)));
    sent.addAll(compacting.keptHistory());
    return new Turn(tenant, providerKey, request, chain, conversationItems, id, createdAt, sent, droppedItems,
        chainCheck, compacting.keptInput(), compacting.with(item));
  }

  /** The {@code compaction} item this turn made (opened), or {@code null}. */
  JsonObject compaction() {
    return compacting == null ? null : compacting.item();
  }

  /** The response object as the turn starts, {@code in_progress}: a new object on each call. */
  public JsonObject inProgress() {
    JsonObject response = ResponseObject.inProgress(request, id, createdAt);
    if (droppedItems > 0) {
      response.put("x-parley-truncation", new JsonObject().put("dropped_items", droppedItems));
    }
    return response;
  }

  /**
   * What the provider call is built from: every earlier turn's input and output items, in order, then this
   * input. A whole chain goes as its prefix (serialized once, then reused turn after turn). Throws the 400
   * for a tool history that does not add up.
   */
  public ModelRequest modelRequest() {
    if (fittedHistory != null || !conversationItems.isEmpty()) {
      return ModelRequest.of(sentRequest(), fittedHistory != null ? fittedHistory : history(), providerKey, chainKey());
    }
    List<JsonArray> items = chain.hasTurns() ? Chain.items(chain.turns()) : null;
    ToolHistory calls = chain.hasPrefix() || items == null ? chain.prefix().calls() : calls(items);
    return ModelRequest.of(sentRequest(), items, chain::prefix, calls, providerKey, chainKey());
  }

  private static ToolHistory calls(List<JsonArray> items) {
    ToolHistory calls = ToolHistory.NONE;
    for (JsonArray batch : items) {
      calls = calls.after(batch);
    }
    return calls;
  }

  /** Every earlier item, oldest first: the conversation's items, or each chain turn's input then output. */
  List<JsonArray> history() {
    List<JsonArray> history = new ArrayList<>(Chain.items(chain.turns()));
    if (!conversationItems.isEmpty()) {
      history.add(0, conversationItems);
    }
    return history;
  }

  /**
   * Shared by every turn of this turn's chain: the conversation, or the chain tag that all response ids of a
   * {@code previous_response_id} chain carry (a first turn's own id starts its chain).
   */
  String chainKey() {
    String conversation = request.conversationId();
    return conversation != null ? conversation : Ids.chainTag(id);
  }

  /** What this turn adds to its conversation: its input items, then the output items of {@code response}. */
  JsonArray newItems(JsonObject response) {
    JsonArray items = request.input().copy();
    items.addAll(response.getJsonArray("output", new JsonArray()).copy());
    return items;
  }

  /** The turn as stored, with {@code response} in whatever state it has reached. */
  StoredResponse toStored(JsonObject response, StoredResponse.Tokens tokens) {
    return new StoredResponse(id, request.previousResponseId(), chain.lineage(), request.input(), response, tokens);
  }
}
