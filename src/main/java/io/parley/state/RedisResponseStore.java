package io.parley.state;

import io.parley.protocol.Ids;
import io.parley.redis.GuardedRedis;
import io.parley.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns as JSON strings in Redis, one key per turn, each with its own expiry so Redis does the sweeping.
 * A chain of any depth loads in one round trip: a script reads the head, which says who its ancestors
 * are, fetches them all and refreshes their TTLs.
 */
public final class RedisResponseStore implements ResponseStore {

  private static final LuaScript TOUCH = LuaScript.load("touch_chain.lua");
  private static final LuaScript LOAD = LuaScript.load("load_chain.lua");

  private final Redis redis;
  private final boolean cluster;
  private final long ttlMillis;
  /** ARGV of both scripts: the TTL to renew every turn they read or touch with. */
  private final List<String> scriptArgs;

  /** @param cluster whether {@code redis} is a Redis Cluster client, which refuses a batch across hash slots */
  public RedisResponseStore(Redis redis, boolean cluster, Duration ttl) {
    this.redis = redis;
    this.cluster = cluster;
    this.ttlMillis = ttl.toMillis();
    this.scriptArgs = List.of(Long.toString(ttlMillis));
  }

  @Override
  public Future<Void> put(String tenant, StoredResponse response) {
    if (!Ids.isResponseId(response.id())) {
      return Future.failedFuture(new IllegalArgumentException("not a response id: " + response.id()));
    }
    // SET ... PX writes the value and its expiry atomically: there is never a turn without a TTL. The turn
    // itself is written last, so it is readable (and its chain continuable) only once its item index is
    // written too; a write cut short leaves at most index entries naming a turn that does not exist.
    List<Request> items = new ArrayList<>();
    for (String itemId : response.itemIds()) {
      items.add(Request.cmd(Command.SET).arg(itemKey(tenant, itemId)).arg(response.id())
          .arg("PX").arg(ttlMillis));
    }
    Request turn = Request.cmd(Command.SET).arg(key(tenant, response.id())).arg(response.encodeBytes())
        .arg("PX").arg(ttlMillis);
    return write(items, turn);
  }

  /**
   * One round trip: the writes go out as one pipelined batch on one connection, which Redis runs in order.
   * A cluster client refuses a batch whose keys live on different nodes, and the item index keys hash
   * anywhere, so there the index entries go out at once, each to its node, and the turn after them.
   */
  private Future<Void> write(List<Request> items, Request turn) {
    if (items.isEmpty()) {
      return redis.send(turn).mapEmpty();
    }
    if (!cluster) {
      items.add(turn);
      return redis.batch(items).mapEmpty();
    }
    List<Future<?>> sent = new ArrayList<>(items.size());
    for (Request write : items) {
      sent.add(redis.send(write));
    }
    return Future.all(sent).compose(v -> redis.send(turn)).mapEmpty();
  }

  @Override
  public Future<io.vertx.core.json.JsonObject> findItem(String tenant, String itemId) {
    return redis.send(Request.cmd(Command.GET).arg(itemKey(tenant, itemId)))
        .compose(owner -> owner == null ? Future.succeededFuture() : get(tenant, owner.toString()))
        .map(stored -> stored == null ? null : stored.item(itemId));
  }

  private static String itemKey(String tenant, String itemId) {
    return "parley:" + tenant + ":item:" + itemId;
  }

  @Override
  public Future<StoredResponse> get(String tenant, String id) {
    if (!Ids.isResponseId(id)) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.GET).arg(key(tenant, id))).map(RedisResponseStore::decode);
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    if (!Ids.isResponseId(id)) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.DEL).arg(key(tenant, id))).map(count -> count.toLong() > 0);
  }

  /**
   * One round trip at any depth: a script reads the newest turn, every ancestor it lists, and renews their
   * TTLs. The script declares only the newest turn's key, so in a cluster it is exact only while the
   * chain's slot sits on one node. While the slot migrates, the source refuses to read an ancestor that has
   * already moved (an ERR), and the target, asked with ASKING, reads one that has not moved yet as missing;
   * so there a missing turn is checked again without the script, by commands that name their keys and so
   * are redirected, or retried (TRYAGAIN) until the keys are together again.
   */
  @Override
  public Future<List<StoredResponse>> loadChain(String tenant, String id) {
    if (!Ids.isResponseId(id)) {
      return Future.failedFuture(new MissingTurnException(id));
    }
    return LOAD.run(redis, List.of(key(tenant, id)), scriptArgs)
        .compose(reply -> cluster && reply.get(0).toInteger() == 0 ? loadWithoutScript(tenant, id) : chain(reply),
            failure -> String.valueOf(failure.getMessage()).startsWith("ERR")
                // A Redis whose scripts cannot read this turn's JSON (or a migrating slot): without a script.
                ? loadWithoutScript(tenant, id)
                : Future.failedFuture(failure));
  }

  /** {@code {1, newest, ancestors oldest first...}} → the chain oldest first; {@code {0, id}} → that turn is gone. */
  private static Future<List<StoredResponse>> chain(Response reply) {
    if (reply.get(0).toInteger() == 0) {
      return Future.failedFuture(new MissingTurnException(reply.get(1).toString()));
    }
    List<StoredResponse> chain = new ArrayList<>(reply.size() - 1);
    for (int i = 2; i < reply.size(); i++) {
      chain.add(decode(reply.get(i)));
    }
    chain.add(decode(reply.get(1)));
    return Future.succeededFuture(chain);
  }

  private Future<List<StoredResponse>> loadWithoutScript(String tenant, String id) {
    // GETEX reads the head and refreshes its TTL in one command (Redis >= 6.2).
    Request head = Request.cmd(Command.GETEX).arg(key(tenant, id)).arg("PX").arg(ttlMillis);
    return redis.send(head)
        .compose(reply -> reply == null
            ? Future.failedFuture(new MissingTurnException(id))
            : loadAncestors(tenant, decode(reply)));
  }

  @Override
  public Future<Void> touchChain(String tenant, List<String> ids) {
    List<String> keys = new ArrayList<>(ids.size());
    for (String id : ids) {
      if (!Ids.isResponseId(id)) {
        return Future.failedFuture(new MissingTurnException(id));
      }
      keys.add(key(tenant, id));
    }
    return TOUCH.run(redis, keys, scriptArgs).compose(missing -> missing.toInteger() == 0
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new MissingTurnException(ids.get(missing.toInteger() - 1))));
  }

  @Override
  public boolean available() {
    return GuardedRedis.available(redis);
  }

  @Override
  public Future<Void> ping() {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** One pipelined batch: MGET of every ancestor, then a PEXPIRE for each so the whole chain lives on. */
  private Future<List<StoredResponse>> loadAncestors(String tenant, StoredResponse head) {
    List<String> ancestors = head.ancestors();
    if (ancestors.isEmpty()) {
      return Future.succeededFuture(List.of(head));
    }
    Request mget = Request.cmd(Command.MGET);
    List<Request> batch = new ArrayList<>(ancestors.size() + 1);
    batch.add(mget);
    for (String ancestor : ancestors) {
      if (!Ids.isResponseId(ancestor)) {
        return Future.failedFuture(new MissingTurnException(ancestor));
      }
      mget.arg(key(tenant, ancestor));
      batch.add(Request.cmd(Command.PEXPIRE).arg(key(tenant, ancestor)).arg(ttlMillis));
    }
    return redis.batch(batch).compose(replies -> assemble(head, replies.get(0)));
  }

  private static Future<List<StoredResponse>> assemble(StoredResponse head, Response values) {
    List<String> ancestors = head.ancestors();
    List<StoredResponse> chain = new ArrayList<>(ancestors.size() + 1);
    for (int i = 0; i < ancestors.size(); i++) {
      Response value = values.get(i);
      if (value == null) {
        // Oldest first, so the id reported is the first hole in the chain.
        return Future.failedFuture(new MissingTurnException(ancestors.get(i)));
      }
      chain.add(decode(value));
    }
    chain.add(head);
    return Future.succeededFuture(chain);
  }

  /**
   * {@code parley:<tenant>:resp:{<chain tag>}:<id>}. The braces make the chain tag a Redis Cluster hash
   * tag: one chain's keys share a slot, so MGET works. Tenant ids are validated at configuration time.
   */
  private static String key(String tenant, String id) {
    return "parley:" + tenant + ":resp:{" + Ids.chainTag(id) + "}:" + id;
  }

  private static StoredResponse decode(Response value) {
    return value == null ? null : StoredResponse.decode(value.toBuffer());
  }
}
