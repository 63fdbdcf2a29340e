package io.parley.state;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Conversations: a conversation object ({@code id, object, created_at, metadata}) and its items, oldest
 * first, scoped by tenant, with the same TTL policy as responses (every read or write renews it).
 * Appends are atomic: items appended together stay together, and concurrent appends never lose items.
 */
public interface ConversationStore {

  Future<Void> create(String tenant, JsonObject conversation, JsonArray items);

  /** The conversation object, or {@code null}. */
  Future<JsonObject> get(String tenant, String id);

  /** The updated conversation object, or {@code null} when there is none. */
  Future<JsonObject> updateMetadata(String tenant, String id, JsonObject metadata);

  Future<Boolean> delete(String tenant, String id);

  /** All items, oldest first, or {@code null} when the conversation does not exist. */
  Future<JsonArray> items(String tenant, String id);

  /** {@code false} when the conversation does not exist (nothing is appended then). */
  Future<Boolean> append(String tenant, String id, JsonArray items);

  /** {@code false} when the conversation or the item does not exist. */
  Future<Boolean> deleteItem(String tenant, String id, String itemId);

  Future<Void> close();
}
