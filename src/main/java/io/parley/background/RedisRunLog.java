package io.parley.background;

import io.parley.protocol.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs shared through Redis. The event log is a list whose index is the event's sequence number, so a
 * replay from any point is one {@code LRANGE}; a final {@code "done"} key marks it complete. All of a
 * run's keys carry the response's chain tag, like its stored turn.
 */
public final class RedisRunLog implements RunLog {

  private final Redis redis;
  private final long ttlMillis;

  public RedisRunLog(Redis redis, Duration stateTtl) {
    this.redis = redis;
    this.ttlMillis = stateTtl.toMillis();
  }

  @Override
  public Future<Void> lease(String tenant, String id, Duration ttl) {
    return redis.send(Request.cmd(Command.SET).arg(key(tenant, id, "lease")).arg(1).arg("PX").arg(ttl.toMillis()))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> leased(String tenant, String id) {
    return redis.send(Request.cmd(Command.EXISTS).arg(key(tenant, id, "lease"))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> requestCancel(String tenant, String id) {
    return redis.send(Request.cmd(Command.SET).arg(key(tenant, id, "cancel")).arg(1).arg("PX").arg(ttlMillis))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> cancelRequested(String tenant, String id) {
    return redis.send(Request.cmd(Command.EXISTS).arg(key(tenant, id, "cancel"))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> release(String tenant, String id) {
    return redis.send(Request.cmd(Command.DEL).arg(key(tenant, id, "lease")).arg(key(tenant, id, "cancel")))
        .mapEmpty();
  }

  @Override
  public Future<Void> append(String tenant, String id, List<JsonObject> events, boolean done) {
    List<Request> batch = new ArrayList<>(4);
    if (!events.isEmpty()) {
      Request push = Request.cmd(Command.RPUSH).arg(key(tenant, id, "events"));
      events.forEach(event -> push.arg(event.encode()));
      batch.add(push);
      batch.add(Request.cmd(Command.PEXPIRE).arg(key(tenant, id, "events")).arg(ttlMillis));
    }
    if (done) {
      batch.add(Request.cmd(Command.SET).arg(key(tenant, id, "done")).arg(1).arg("PX").arg(ttlMillis));
    }
    return batch.isEmpty() ? Future.succeededFuture() : redis.batch(batch).mapEmpty();
  }

  @Override
  public Future<Page> after(String tenant, String id, long after) {
    // "done" is read first: if it is set, every event was pushed before it, so the range read next is whole.
    return redis.batch(List.of(
            Request.cmd(Command.EXISTS).arg(key(tenant, id, "done")),
            Request.cmd(Command.LRANGE).arg(key(tenant, id, "events")).arg(Math.max(after + 1, 0)).arg(-1)))
        .map(replies -> new Page(decode(replies.get(1)), replies.get(0).toInteger() == 1));
  }

  private static List<JsonObject> decode(Response values) {
    List<JsonObject> events = new ArrayList<>(values.size());
    for (Response value : values) {
      events.add(new JsonObject(value.toString()));
    }
    return events;
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static String key(String tenant, String id, String part) {
    return "parley:" + tenant + ":run:{" + Ids.chainTag(id) + "}:" + id + ":" + part;
  }
}
