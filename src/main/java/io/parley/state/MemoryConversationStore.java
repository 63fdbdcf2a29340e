package io.parley.state;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Conversations in process memory; one lock, held for a few map operations at a time. */
public final class MemoryConversationStore implements ConversationStore {

  private static final class Entry {
    JsonObject conversation;
    final JsonArray items;
    long expiresAt;

    Entry(JsonObject conversation, JsonArray items) {
      this.conversation = conversation;
      this.items = items;
    }
  }

  private final long ttlMillis;
  private final Map<String, Entry> entries = new HashMap<>();

  public MemoryConversationStore(Duration ttl) {
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public synchronized Future<Void> create(String tenant, JsonObject conversation, JsonArray items) {
    Entry entry = new Entry(conversation.copy(), items.copy());
    entry.expiresAt = System.currentTimeMillis() + ttlMillis;
    entries.put(key(tenant, conversation.getString("id")), entry);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<JsonObject> get(String tenant, String id) {
    Entry entry = live(tenant, id);
    return Future.succeededFuture(entry == null ? null : entry.conversation.copy());
  }

  @Override
  public synchronized Future<JsonObject> updateMetadata(String tenant, String id, JsonObject metadata) {
    Entry entry = live(tenant, id);
    if (entry == null) {
      return Future.succeededFuture();
    }
    entry.conversation = entry.conversation.copy().put("metadata", metadata.copy());
    return Future.succeededFuture(entry.conversation.copy());
  }

  @Override
  public synchronized Future<Boolean> delete(String tenant, String id) {
    boolean existed = live(tenant, id) != null;
    entries.remove(key(tenant, id));
    return Future.succeededFuture(existed);
  }

  @Override
  public synchronized Future<JsonArray> items(String tenant, String id) {
    Entry entry = live(tenant, id);
    return Future.succeededFuture(entry == null ? null : entry.items.copy());
  }

  @Override
  public synchronized Future<Boolean> append(String tenant, String id, JsonArray items) {
    Entry entry = live(tenant, id);
    if (entry == null) {
      return Future.succeededFuture(false);
    }
    entry.items.addAll(items.copy());
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> deleteItem(String tenant, String id, String itemId) {
    Entry entry = live(tenant, id);
    if (entry == null) {
      return Future.succeededFuture(false);
    }
    for (int i = 0; i < entry.items.size(); i++) {
      if (itemId.equals(entry.items.getJsonObject(i).getString("id"))) {
        entry.items.remove(i);
        return Future.succeededFuture(true);
      }
    }
    return Future.succeededFuture(false);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The live entry, with its TTL renewed; expired entries are dropped on sight. */
  private Entry live(String tenant, String id) {
    String key = key(tenant, id);
    Entry entry = entries.get(key);
    long now = System.currentTimeMillis();
    if (entry != null && entry.expiresAt <= now) {
      entries.remove(key);
      return null;
    }
    if (entry != null) {
      entry.expiresAt = now + ttlMillis;
    }
    return entry;
  }

  private static String key(String tenant, String id) {
    return tenant + '/' + id;
  }
}
