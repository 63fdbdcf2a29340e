package io.parley.state;

import io.parley.protocol.Ids;
import io.parley.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation is two keys with one hash tag: the object (JSON) and a list of items (JSON each).
 * Appends run as one script that first checks the conversation still exists, so a turn finishing after
 * a delete cannot bring it back, and two turns appending at once keep all their items.
 */
public final class RedisConversationStore implements ConversationStore {

  private static final LuaScript APPEND = LuaScript.load("conversation_append.lua");

  private final Redis redis;
  private final long ttlMillis;

  public RedisConversationStore(Redis redis, Duration ttl) {
    this.redis = redis;
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public Future<Void> create(String tenant, JsonObject conversation, JsonArray items) {
    String id = conversation.getString("id");
    List<Request> batch = new ArrayList<>(3);
    batch.add(Request.cmd(Command.SET).arg(object(tenant, id)).arg(conversation.encode()).arg("PX").arg(ttlMillis));
    if (!items.isEmpty()) {
      Request push = Request.cmd(Command.RPUSH).arg(list(tenant, id));
      items.forEach(item -> push.arg(((JsonObject) item).encode()));
      batch.add(push);
      batch.add(Request.cmd(Command.PEXPIRE).arg(list(tenant, id)).arg(ttlMillis));
    }
    return redis.batch(batch).mapEmpty();
  }

  @Override
  public Future<JsonObject> get(String tenant, String id) {
    if (!Ids.isConversationId(id)) {
      return Future.succeededFuture();
    }
    return redis.batch(List.of(
            Request.cmd(Command.GETEX).arg(object(tenant, id)).arg("PX").arg(ttlMillis),
            Request.cmd(Command.PEXPIRE).arg(list(tenant, id)).arg(ttlMillis)))
        .map(replies -> replies.get(0) == null ? null : new JsonObject(replies.get(0).toString()));
  }

  @Override
  public Future<JsonObject> updateMetadata(String tenant, String id, JsonObject metadata) {
    // Last writer wins, as for any metadata update.
    return get(tenant, id).compose(conversation -> {
      if (conversation == null) {
        return Future.succeededFuture();
      }
      JsonObject updated = conversation.put("metadata", metadata);
      return redis.send(Request.cmd(Command.SET).arg(object(tenant, id)).arg(updated.encode())
          .arg("PX").arg(ttlMillis).arg("XX")).map(reply -> reply == null ? null : updated);
    });
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    if (!Ids.isConversationId(id)) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.DEL).arg(object(tenant, id)).arg(list(tenant, id)))
        .map(count -> count.toLong() > 0);
  }

  @Override
  public Future<JsonArray> items(String tenant, String id) {
    if (!Ids.isConversationId(id)) {
      return Future.succeededFuture();
    }
    return redis.batch(List.of(
            Request.cmd(Command.PEXPIRE).arg(object(tenant, id)).arg(ttlMillis),
            Request.cmd(Command.LRANGE).arg(list(tenant, id)).arg(0).arg(-1),
            Request.cmd(Command.PEXPIRE).arg(list(tenant, id)).arg(ttlMillis)))
        .map(replies -> replies.get(0).toInteger() == 0 ? null : decode(replies.get(1)));
  }

  @Override
  public Future<Boolean> append(String tenant, String id, JsonArray items) {
    if (items.isEmpty()) {
      return get(tenant, id).map(c -> c != null);
    }
    List<String> args = new ArrayList<>(items.size() + 1);
    args.add(Long.toString(ttlMillis));
    items.forEach(item -> args.add(((JsonObject) item).encode()));
    return APPEND.run(redis, List.of(object(tenant, id), list(tenant, id)), args).map(reply -> reply.toInteger() == 1);
  }

  @Override
  public Future<Boolean> deleteItem(String tenant, String id, String itemId) {
    return redis.send(Request.cmd(Command.LRANGE).arg(list(tenant, id)).arg(0).arg(-1)).compose(values -> {
      for (Response value : values) {
        if (itemId.equals(new JsonObject(value.toString()).getString("id"))) {
          return redis.send(Request.cmd(Command.LREM).arg(list(tenant, id)).arg(1).arg(value.toBuffer()))
              .map(removed -> removed.toLong() > 0);
        }
      }
      return Future.succeededFuture(false);
    });
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static JsonArray decode(Response values) {
    JsonArray items = new JsonArray();
    for (Response value : values) {
      items.add(new JsonObject(value.toString()));
    }
    return items;
  }

  private static String object(String tenant, String id) {
    return "parley:" + tenant + ":conv:{" + id + "}";
  }

  private static String list(String tenant, String id) {
    return object(tenant, id) + ":items";
  }
}
