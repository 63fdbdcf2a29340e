package io.parley.limit;

import io.parley.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * Limits shared by every replica: one atomic script per request checks both counters and counts the
 * request; tokens are added with one {@code INCRBY} after the response. A tenant's keys share a hash
 * tag, so the script is valid in Redis Cluster too.
 */
public final class RedisRateLimiter implements RateLimiter {

  private static final LuaScript ADMIT = LuaScript.load("rate_limit.lua");

  private final Redis redis;

  public RedisRateLimiter(Redis redis) {
    this.redis = redis;
  }

  @Override
  public Future<Decision> acquire(String tenant, Limits limits) {
    long now = System.currentTimeMillis();
    long window = now / WINDOW_MILLIS;
    long reset = (window + 1) * WINDOW_MILLIS - now;
    return ADMIT.run(redis, List.of(key(tenant, "req", window), key(tenant, "tok", window)),
            List.of(Long.toString(limits.requestsPerMinute()), Long.toString(limits.tokensPerMinute()),
                Long.toString(2 * WINDOW_MILLIS)))
        .map(reply -> decision(reply, limits, reset));
  }

  private static Decision decision(Response reply, Limits limits, long reset) {
    return new Decision(reply.get(0).toInteger() == 1, limits, reply.get(1).toLong(), reply.get(2).toLong(), reset);
  }

  @Override
  public Future<Void> record(String tenant, long tokens) {
    String key = key(tenant, "tok", System.currentTimeMillis() / WINDOW_MILLIS);
    return redis.batch(List.of(Request.cmd(Command.INCRBY).arg(key).arg(tokens),
        Request.cmd(Command.PEXPIRE).arg(key).arg(2 * WINDOW_MILLIS))).mapEmpty();
  }

  private static String key(String tenant, String counter, long window) {
    return "parley:{rl:" + tenant + "}:" + counter + ":" + window;
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
