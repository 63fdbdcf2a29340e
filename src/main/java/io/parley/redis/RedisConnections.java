package io.parley.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

import java.util.Locale;

/**
 * Options for the process's one pooled Redis client: standalone, Sentinel (the URLs are sentinels, the
 * master is found by name) or Cluster (the URLs are seed nodes); {@code rediss://} for TLS, and
 * user/password in the URL for ACLs.
 */
public final class RedisConnections {

  // The pool lends each event loop a connection opened on that loop when it has one, so the pool is sized
  // per event loop: enough for a loop to have a few commands in flight. Past that, callers queue briefly
  // instead of opening unbounded connections to Redis. In a cluster the size applies per node.
  private static final int CONNECTIONS_PER_EVENT_LOOP = 16;
  private static final int MAX_POOL_WAITING = 1024;

  private RedisConnections() {
  }

  /**
   * The process's one client, from {@link #options}. In a cluster its batches go out command by command,
   * so that each follows a moving slot on its own (see {@link SequentialBatchRedis}).
   */
  public static Redis client(Vertx vertx, String type, String urls, String masterName, int eventLoops,
      java.time.Duration timeout) {
    Redis client = Redis.createClient(vertx, options(type, urls, masterName, eventLoops, timeout));
    return type.equals("cluster") ? new SequentialBatchRedis(client) : client;
  }

  /**
   * @param type       {@code standalone}, {@code sentinel} or {@code cluster}
   * @param urls       connection strings separated by commas
   * @param eventLoops how many event loops share the client
   * @param timeout    how long a connection may take to open
   */
  public static RedisOptions options(String type, String urls, String masterName, int eventLoops,
      java.time.Duration timeout) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(type.toUpperCase(Locale.ROOT)))
        .setMaxPoolSize(CONNECTIONS_PER_EVENT_LOOP * eventLoops)
        .setMaxPoolWaiting(MAX_POOL_WAITING);
    for (String url : urls.split(",")) {
      options.addConnectionString(url.trim());
    }
    // A dead host (not a refused port) must not hold a request for the OS's connect timeout.
    options.getNetClientOptions().setConnectTimeout((int) timeout.toMillis());
    if (type.equals("sentinel")) {
      options.setMasterName(masterName).setRole(RedisRole.MASTER);
    }
    return options;
  }

  /** One standalone server, for one event loop's worth of connections. */
  public static RedisOptions standalone(String url) {
    return options("standalone", url, null, 1, java.time.Duration.ofSeconds(5));
  }
}
