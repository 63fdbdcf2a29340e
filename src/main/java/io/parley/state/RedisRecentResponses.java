package io.parley.state;

import io.parley.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The index in Redis, shared by every replica: per tenant a sorted set of ids (scored by when each was first
 * recorded) and a hash of their lines, under one hash tag, written by one script per stored turn that renews
 * their expiry and, every {@code max/16} writes, trims them back to the bound. The tenants with an index are kept in one more
 * sorted set, written at most once a minute per tenant by each process.
 */
public final class RedisRecentResponses implements RecentResponses {

  private static final LuaScript RECORD = LuaScript.load("recent_record.lua");
  private static final LuaScript LIST = LuaScript.load("recent_list.lua");
  static final String TENANTS_KEY = "parley:recent-tenants";
  private static final long TENANT_REFRESH_MS = 60_000;
  private static final int MAX_TENANTS_REMEMBERED = 10_000;

  private final Redis redis;
  private final int max;
  /** How far past the bound a tenant's index may grow before one write trims it back (one trim per this many writes). */
  private final String slack;
  private final long ttlMillis;
  /** Tenant → when this process last wrote it to {@link #TENANTS_KEY}. */
  private final Map<String, Long> registered = new ConcurrentHashMap<>();

  public RedisRecentResponses(Redis redis, int max, Duration ttl) {
    this.redis = redis;
    this.max = max;
    this.slack = Integer.toString(Math.max(1, max / 16));
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public Future<Void> record(String tenant, RecentResponse line) {
    long now = System.currentTimeMillis();
    Future<Response> written = RECORD.run(redis, keys(tenant), List.of(line.id(), Long.toString(now),
        line.toJson().encode(), Integer.toString(max), Long.toString(ttlMillis), slack));
    Long last = registered.get(tenant);
    if (last != null && now - last < TENANT_REFRESH_MS) {
      return written.mapEmpty();
    }
    if (registered.size() >= MAX_TENANTS_REMEMBERED) {
      registered.clear();
    }
    registered.put(tenant, now);
    return Future.all(written, redis.send(Request.cmd(Command.ZADD).arg(TENANTS_KEY).arg(now).arg(tenant))).mapEmpty();
  }

  @Override
  public Future<List<RecentResponse>> list(String tenant) {
    long oldest = System.currentTimeMillis() - ttlMillis;
    return LIST.run(redis, keys(tenant), List.of(Long.toString(oldest))).map(reply -> {
      List<RecentResponse> lines = new ArrayList<>(reply.size() / 2);
      // The index may hold a little more than the bound between trims: the newest are the ones kept.
      for (int i = 0; i + 1 < reply.size() && lines.size() < max; i += 2) {
        JsonObject json = reply.get(i + 1).toBuffer().toJsonObject();
        // The order is by first recording: report that time, not the last update's.
        lines.add(RecentResponse.fromJson(json.put("recorded_at", reply.get(i).toLong())));
      }
      return lines;
    });
  }

  @Override
  public Future<Void> remove(String tenant, String id) {
    List<String> keys = keys(tenant);
    return redis.batch(List.of(Request.cmd(Command.ZREM).arg(keys.get(0)).arg(id),
        Request.cmd(Command.HDEL).arg(keys.get(1)).arg(id))).mapEmpty();
  }

  @Override
  public Future<List<String>> tenants() {
    long oldest = System.currentTimeMillis() - ttlMillis;
    return redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(TENANTS_KEY).arg("-inf").arg("(" + oldest))
        .compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(TENANTS_KEY).arg(0).arg(-1)))
        .map(reply -> {
          List<String> tenants = new ArrayList<>(reply.size());
          reply.forEach(t -> tenants.add(t.toString()));
          return tenants;
        });
  }

  /** {@code parley:<tenant>:recent:{<tenant>}:ids|lines}: one hash tag, so the script may touch both in a cluster. */
  private static List<String> keys(String tenant) {
    String prefix = "parley:" + tenant + ":recent:{" + tenant + "}:";
    return List.of(prefix + "ids", prefix + "lines");
  }
}
