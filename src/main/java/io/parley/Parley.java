package io.parley;

import io.parley.admin.AdminConsole;
import io.parley.backend.Backends;
import io.parley.background.MemoryRunLog;
import io.parley.background.RedisRunLog;
import io.parley.cache.ChainCache;
import io.parley.config.ParleyConfig;
import io.parley.hosted.HostedBackends;
import io.parley.files.DiskFileStore;
import io.parley.files.FileStore;
import io.parley.files.RedisFileStore;
import io.parley.http.GatewayVerticle;
import io.parley.idempotency.MemoryIdempotencyKeys;
import io.parley.idempotency.RedisIdempotencyKeys;
import io.parley.turn.StreamSlots;
import io.parley.http.Lifecycle;
import io.parley.mcp.McpClient;
import io.parley.mcp.McpOptions;
import io.parley.metrics.Metrics;
import io.parley.mock.MockUpstreamVerticle;
import io.parley.limit.MemoryRateLimiter;
import io.parley.limit.RedisRateLimiter;
import io.parley.redis.GuardedRedis;
import io.parley.redis.RedisConnections;
import io.parley.state.MemoryConversationStore;
import io.parley.state.MemoryRecentResponses;
import io.parley.state.RecentResponses;
import io.parley.state.RedisRecentResponses;
import io.parley.state.MemoryResponseStore;
import io.parley.state.RedisConversationStore;
import io.parley.state.MeteredResponseStore;
import io.parley.state.RedisResponseStore;
import io.parley.turn.CompactionSeal;
import io.parley.upstream.ReplicaHealthVerticle;
import io.parley.upstream.ReplicaPicker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running gateway: deploys the built-in mock (when no provider is configured), the replicas' health check
 * (when there are several), then one gateway verticle per event loop, failing fast if any of them does not start. Used by {@link Main} and by tests.
 */
public final class Parley {

  private static final Logger LOG = LoggerFactory.getLogger(Parley.class);
  private static final long SWEEP_INTERVAL_MS = 60_000;
  private static final long FILE_SWEEP_INTERVAL_MS = 3_600_000;
  /** The longest a file may be asked to live ({@code expires_after}), whatever {@code files_ttl} is. */
  private static final Duration LONGEST_EXPIRY = Duration.ofDays(30);

  private final Vertx vertx;
  private final ParleyConfig config;
  private final Metrics metrics = new Metrics();
  private final Lifecycle lifecycle = new Lifecycle();
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
  /** The process's one Redis client, shared by every event loop; {@code null} with in-memory state. */
  private final Redis redis;
  private Backends backends;
  private long sweepTimer = -1;
  private long fileSweepTimer = -1;
  private McpClient mcp;
  private AdminConsole console;
  private HostedBackends hosted = HostedBackends.NONE;
  private Future<Void> shutdown;

  private Parley(Vertx vertx, ParleyConfig config) {
    this.vertx = vertx;
    this.config = config;
    // Created on the caller's thread, outside any verticle, so that no undeploy closes it: close() does.
    this.redis = config.redisState() ? new GuardedRedis(vertx, RedisConnections.client(vertx, config.redisType(),
        config.redisUrl(), config.redisMasterName(), config.eventLoops(), config.resilience().redisTimeout()),
        config.resilience().redisTimeout()) : null;
  }

  public static Future<Parley> start(Vertx vertx, ParleyConfig config) {
    Parley parley = new Parley(vertx, config);
    return parley.deployMocks()
        .map(config::withUpstreamUrls)
        .compose(resolved -> parley.deployHealthCheck(resolved, ReplicaPicker.of(resolved.upstreamUrls(), resolved.upstreamRouting())))
        .compose(parley::deployGateways)
        .map(parley);
  }

  /** The built-in mock, as {@code mock_replicas} replicas with a prefix cache each, when no provider is configured. */
  private Future<List<String>> deployMocks() {
    if (!config.mockUpstream()) {
      return Future.succeededFuture(config.upstreamUrls());
    }
    List<MockUpstreamVerticle> mocks = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < config.mockReplicas(); i++) {
      MockUpstreamVerticle mock = new MockUpstreamVerticle();
      mocks.add(mock);
      deployed.add(vertx.deployVerticle(mock));
    }
    return Future.all(deployed).map(all -> mocks.stream().map(m -> "http://127.0.0.1:" + m.actualPort() + "/v1").toList());
  }

  private record Resolved(ParleyConfig config, ReplicaPicker replicas) {
  }

  /** A compaction item is opened by another replica only if both seal with the same key. */
  static final String SHARED_COMPACTION_KEY = "parley:compaction-key";

  /**
   * The configured keys; else, with Redis, one random key that the first replica to start puts there (SET NX)
   * and every other one reads, so that any replica opens any compaction item; else one random key of this
   * process's own.
   */
  private Future<CompactionSeal> compactionSeal(ParleyConfig config) {
    if (!config.compactionKeys().isEmpty()) {
      return Future.succeededFuture(new CompactionSeal(config.compactionKeys()));
    }
    if (redis == null) {
      return Future.succeededFuture(CompactionSeal.ephemeral());
    }
    byte[] mine = CompactionSeal.newKey();
    return redis.send(Request.cmd(Command.SET).arg(SHARED_COMPACTION_KEY).arg(Base64.getEncoder().encodeToString(mine)).arg("NX"))
        .compose(v -> redis.send(Request.cmd(Command.GET).arg(SHARED_COMPACTION_KEY)))
        .map(shared -> new CompactionSeal(Map.of("redis", Base64.getDecoder().decode(shared.toString()))))
        .recover(err -> {
          LOG.warn("no shared compaction key ({}): compaction items made here open only on this replica until it"
              + " restarts; set PARLEY_COMPACTION_KEYS to the same keys on every replica", err.getMessage());
          return Future.succeededFuture(CompactionSeal.ephemeral());
        });
  }

  /** With several replicas, one verticle checks their health for all event loops. */
  private Future<Resolved> deployHealthCheck(ParleyConfig resolved, ReplicaPicker replicas) {
    Resolved both = new Resolved(resolved, replicas);
    if (replicas.replicas().size() < 2) {
      return Future.succeededFuture(both);
    }
    return vertx.deployVerticle(new ReplicaHealthVerticle(replicas.replicas(), resolved)).map(both);
  }

  private Future<String> deployGateways(Resolved resolvedConfig) {
    ParleyConfig resolved = resolvedConfig.config();
    backends = backends(resolved);
    StreamSlots slots = new StreamSlots(resolved.maxStreamsPerTenant());
    // Chains held here continue without reading history from the store, and are sent from their serialized prefix.
    ChainCache cache = new ChainCache(resolved.contextCacheBytes());
    metrics.contextCache(cache);
    DeploymentOptions options = new DeploymentOptions().setInstances(resolved.eventLoops());
    // One MCP client for the process: its sessions and listings are shared by every event loop.
    mcp = McpClient.create(vertx, McpOptions.defaults().withAllowPrivateNetworks(resolved.mcp().allowPrivateNetworks()));
    // Likewise the backends of hosted tools (web_search, code_interpreter), when the operator chose some.
    hosted = HostedBackends.create(vertx, resolved.hosted(), resolved.mcp().callTimeout());
    console = AdminConsole.start(vertx, resolved, backends, metrics);
    if (console != null) {
      LOG.info("operator console on /console (admin API /admin/v1)");
    }
    return compactionSeal(resolved).compose(seal -> vertx.deployVerticle(() -> {
      GatewayVerticle gateway = new GatewayVerticle(resolved, backends, resolvedConfig.replicas(), metrics, lifecycle,
          slots, cache, mcp, seal, console, hosted);
      gateways.add(gateway);
      return gateway;
    }, options));
  }

  /**
   * One set for every verticle: on the shared Redis client (whose pool lends each event loop connections
   * opened on that loop, and completes every call on its caller's context), or in one set of maps.
   */
  private Backends backends(ParleyConfig resolved) {
    // Without a console nobody reads the index, so no turn pays for writing it.
    int recentMax = resolved.admin().enabled() ? resolved.admin().recentResponsesMax() : 0;
    FileStore files = files(resolved);
    if (redis != null) {
      boolean cluster = resolved.redisType().equals("cluster");
      return new Backends(new MeteredResponseStore(new RedisResponseStore(redis, cluster, resolved.stateTtl()), "redis", metrics),
          new RedisConversationStore(redis, resolved.stateTtl()), new RedisRateLimiter(redis),
          new RedisRunLog(redis, resolved.stateTtl()), new RedisIdempotencyKeys(redis, resolved.idempotencyTtl()),
          recentMax == 0 ? RecentResponses.NONE : new RedisRecentResponses(redis, recentMax, resolved.stateTtl()), files);
    }
    MemoryResponseStore responses = new MemoryResponseStore(resolved.stateTtl(), resolved.memoryMaxEntries(),
        resolved.memoryMaxBytes());
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> responses.sweep());
    return new Backends(new MeteredResponseStore(responses, "memory", metrics),
        new MemoryConversationStore(resolved.stateTtl()), new MemoryRateLimiter(), new MemoryRunLog(),
        // Answers are kept whole only for store:false responses; a quarter of the turns' byte budget bounds them.
        new MemoryIdempotencyKeys(resolved.idempotencyTtl(), resolved.memoryMaxEntries(), resolved.memoryMaxBytes() / 4),
        recentMax == 0 ? RecentResponses.NONE : new MemoryRecentResponses(recentMax, resolved.stateTtl()), files);
  }

  public Metrics metrics() {
    return metrics;
  }
  /** In {@code files_dir} when it is set or there is no Redis (then swept hourly), else in Redis. */
  private FileStore files(ParleyConfig resolved) {
    if (resolved.files().onDisk(redis != null)) {
      DiskFileStore disk = new DiskFileStore(vertx, Path.of(resolved.files().diskDir()));
      fileSweepTimer = vertx.setPeriodic(FILE_SWEEP_INTERVAL_MS, id -> disk.sweep()
          .onFailure(err -> LOG.warn("sweeping {} failed: {}", resolved.files().diskDir(), err.toString())));
      return disk;
    }
    Duration longest = resolved.files().ttl().compareTo(LONGEST_EXPIRY) > 0 ? resolved.files().ttl() : LONGEST_EXPIRY;
    return new RedisFileStore(vertx, redis, resolved.redisType().equals("cluster"), longest,
        Path.of(System.getProperty("java.io.tmpdir"), "parley-staging").toString());
  }

  public int port() {
    return gateways.get(0).actualPort();
  }

  public ParleyConfig config() {
    return config;
  }

  /**
   * The graceful stop that SIGTERM runs: {@code /readyz} answers 503 at once; after the shutdown delay
   * the listeners close (no new connections) while in-flight requests and streams go on for up to the
   * shutdown grace; then provider and Redis clients close. Calling it again returns the same future.
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown == null) {
      lifecycle.startDraining();
      LOG.info("shutting down: /readyz answers 503; listeners close in {} ms, then in-flight requests get up to {} ms",
          config.shutdownDelay().toMillis(), config.shutdownGrace().toMillis());
      Promise<Void> delayed = Promise.promise();
      vertx.setTimer(Math.max(1, config.shutdownDelay().toMillis()), id -> delayed.complete());
      long[] drainStart = new long[1];
      shutdown = delayed.future()
          .compose(v -> {
            LOG.info("listeners closed; waiting for in-flight requests and streams");
            drainStart[0] = System.nanoTime();
            return Future.join(gateways.stream().map(g -> g.drain(config.shutdownGrace())).toList());
          })
          .transform(drained -> {
            long tookMs = (System.nanoTime() - drainStart[0]) / 1_000_000;
            if (tookMs >= config.shutdownGrace().toMillis()) {
              LOG.warn("shutdown grace of {} ms ran out; closed the connections still open", tookMs);
            } else {
              LOG.info("in-flight requests finished in {} ms; closing provider and store clients", tookMs);
            }
            return close();
          });
    }
    return shutdown;
  }

  /** Stops at once: open connections are closed, clients too. Tests use it; SIGTERM uses {@link #shutdown()}. */
  public Future<Void> close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (console != null) {
      console.close();
    }
    if (fileSweepTimer >= 0) {
      vertx.cancelTimer(fileSweepTimer);
    }
    return (backends == null ? Future.<Void>succeededFuture() : backends.close())
        .eventually(hosted::close)
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(vertx::close)
        .andThen(v -> metrics.close());
  }
}
