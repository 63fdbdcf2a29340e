package io.parley.http;

import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.ResponseObject;
import io.parley.state.StoredResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One response being made: the validated request, the chain it continues, its new id and the response
 * object that is filled in as the provider answers.
 */
record Turn(String tenant, String providerKey, CreateRequest request, List<StoredResponse> chain,
    JsonArray conversationItems, JsonObject response, List<JsonArray> fittedHistory) {

  /** A turn continuing a {@code previous_response_id} chain (or starting one). */
  static Turn start(String tenant, String providerKey, CreateRequest request, List<StoredResponse> chain) {
    return start(tenant, providerKey, request, chain, new JsonArray());
  }

  /** A turn in a conversation: the conversation's items come first. */
  static Turn start(String tenant, String providerKey, CreateRequest request, List<StoredResponse> chain,
      JsonArray conversationItems) {
    String id = Ids.newResponseId(request.previousResponseId());
    long now = System.currentTimeMillis() / 1000;
    return new Turn(tenant, providerKey, request, chain, conversationItems, ResponseObject.inProgress(request, id, now),
        null);
  }

  /** The same turn, sending only {@code history} (what fits the context window). */
  Turn fitted(List<JsonArray> history) {
    return new Turn(tenant, providerKey, request, chain, conversationItems, response, history);
  }

  String id() {
    return response.getString("id");
  }

  /** What the provider call is built from: every earlier turn's input and output items, in order, then this input. */
  ModelRequest modelRequest() {
    return ModelRequest.of(request, fittedHistory != null ? fittedHistory : history(), providerKey, chainKey());
  }

  /** Every earlier item, oldest first: the conversation's items, or each chain turn's input then output. */
  List<JsonArray> history() {
    List<JsonArray> history = new ArrayList<>(chain.size() * 2 + 1);
    if (!conversationItems.isEmpty()) {
      history.add(conversationItems);
    }
    for (StoredResponse turn : chain) {
      history.add(turn.input());
      history.add(turn.output());
    }
    return history;
  }

  /**
   * Shared by every turn of this turn's chain: the conversation, or the chain tag that all response ids of a
   * {@code previous_response_id} chain carry (a first turn's own id starts its chain).
   */
  String chainKey() {
    String conversation = request.conversationId();
    return conversation != null ? conversation : Ids.chainTag(id());
  }

  /** What this turn adds to its conversation: its input items, then its output items. */
  JsonArray newItems() {
    JsonArray items = request.input().copy();
    items.addAll(response.getJsonArray("output", new JsonArray()).copy());
    return items;
  }

  StoredResponse toStored() {
    List<String> ancestors = chain.isEmpty() ? List.of() : chain.get(chain.size() - 1).lineage();
    return new StoredResponse(id(), request.previousResponseId(), ancestors, request.input(), response);
  }
}
