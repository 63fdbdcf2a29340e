package io.parley;

import io.parley.config.ParleyConfig;
import io.parley.http.GatewayVerticle;
import io.parley.mock.MockUpstreamVerticle;
import io.parley.limit.MemoryRateLimiter;
import io.parley.limit.RedisRateLimiter;
import io.parley.state.Backends;
import io.parley.state.MemoryConversationStore;
import io.parley.state.MemoryResponseStore;
import io.parley.state.RedisConversationStore;
import io.parley.state.RedisConnections;
import io.parley.state.RedisResponseStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A running gateway: deploys the built-in mock (when no provider is configured), then one gateway
 * verticle per event loop, failing fast if any of them does not start. Used by {@link Main} and by tests.
 */
public final class Parley {

  private static final long SWEEP_INTERVAL_MS = 60_000;

  private final Vertx vertx;
  private final ParleyConfig config;
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
  private long sweepTimer = -1;

  private Parley(Vertx vertx, ParleyConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public static Future<Parley> start(Vertx vertx, ParleyConfig config) {
    Parley parley = new Parley(vertx, config);
    return parley.deployMock()
        .compose(upstreamUrl -> parley.deployGateways(config.withUpstreamUrl(upstreamUrl)))
        .map(parley);
  }

  private Future<String> deployMock() {
    if (!config.mockUpstream()) {
      return Future.succeededFuture(config.upstreamUrl());
    }
    MockUpstreamVerticle mock = new MockUpstreamVerticle();
    return vertx.deployVerticle(mock).map(id -> "http://127.0.0.1:" + mock.actualPort() + "/v1");
  }

  private Future<String> deployGateways(ParleyConfig resolved) {
    Function<Vertx, Backends> backends = backendsFactory(resolved);
    DeploymentOptions options = new DeploymentOptions().setInstances(resolved.eventLoops());
    return vertx.deployVerticle(() -> {
      GatewayVerticle gateway = new GatewayVerticle(resolved, backends);
      gateways.add(gateway);
      return gateway;
    }, options);
  }

  /**
   * With Redis, each verticle gets its own clients (connections stay on its event loop); in memory, all
   * verticles share one set of maps.
   */
  private Function<Vertx, Backends> backendsFactory(ParleyConfig resolved) {
    if (resolved.redisState()) {
      RedisOptions redis = RedisConnections.options(resolved);
      return v -> new Backends(new RedisResponseStore(v, redis, resolved.stateTtl()),
          new RedisConversationStore(v, redis, resolved.stateTtl()), new RedisRateLimiter(v, redis));
    }
    MemoryResponseStore responses = new MemoryResponseStore(resolved.stateTtl(), resolved.memoryMaxEntries());
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> responses.sweep());
    Backends shared = new Backends(responses, new MemoryConversationStore(resolved.stateTtl()), new MemoryRateLimiter());
    return v -> shared;
  }

  public int port() {
    return gateways.get(0).actualPort();
  }

  public ParleyConfig config() {
    return config;
  }

  public Future<Void> close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return vertx.close();
  }
}
