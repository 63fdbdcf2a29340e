package io.parley.state;

import io.parley.config.ParleyConfig;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

import java.util.Locale;

/**
 * Redis client options from the configuration: standalone, Sentinel (the URLs are sentinels, the master
 * is found by name) or Cluster (the URLs are seed nodes); {@code rediss://} for TLS, and user/password
 * in the URL for ACLs.
 */
public final class RedisConnections {

  // Enough connections for every event loop to have a few requests in flight; past that, callers queue
  // briefly instead of opening unbounded connections to Redis.
  private static final int MAX_POOL_SIZE = 16;
  private static final int MAX_POOL_WAITING = 1024;

  private RedisConnections() {
  }

  public static RedisOptions options(ParleyConfig config) {
    RedisOptions options = pooled().setType(RedisClientType.valueOf(config.redisType().toUpperCase(Locale.ROOT)));
    for (String url : config.redisUrl().split(",")) {
      options.addConnectionString(url.trim());
    }
    if (config.redisType().equals("sentinel")) {
      options.setMasterName(config.redisMasterName()).setRole(RedisRole.MASTER);
    }
    return options;
  }

  public static RedisOptions standalone(String url) {
    return pooled().setConnectionString(url);
  }

  private static RedisOptions pooled() {
    return new RedisOptions().setMaxPoolSize(MAX_POOL_SIZE).setMaxPoolWaiting(MAX_POOL_WAITING);
  }
}
