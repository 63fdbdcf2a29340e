package io.parley.http;

import io.parley.config.ParleyConfig;
import io.parley.limit.Limits;
import io.parley.limit.RateLimiter;
import io.parley.metrics.Metrics;
import io.parley.redis.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a request within its tenant's limits (429 with {@code Retry-After} and {@code x-ratelimit-*}
 * otherwise). If the limiter itself cannot be reached the request goes through: an outage of the
 * limiter should not become an outage of the gateway.
 */
final class RateLimitHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitHandler.class);

  private final ParleyConfig config;
  private final RateLimiter limiter;
  private final Metrics metrics;

  RateLimitHandler(ParleyConfig config, RateLimiter limiter, Metrics metrics) {
    this.config = config;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  /** The tenant as a metrics label: one label for all pass-through keys, to bound cardinality. */
  String label(String tenant) {
    return config.apiKeys().passthrough() ? "passthrough" : tenant;
  }

  Limits limitsFor(String tenant) {
    return config.apiKeys().limitsFor(tenant, config.defaultLimits());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String tenant = Authenticator.tenant(ctx);
    Limits limits = limitsFor(tenant);
    if (limits.unlimited()) {
      ctx.next();
      return;
    }
    limiter.acquire(tenant, limits)
        .onSuccess(decision -> {
          decision.writeHeaders(ctx.response());
          if (decision.allowed()) {
            ctx.next();
          } else {
            metrics.rateLimited(label(tenant), decision.error().type());
            ctx.fail(decision.error());
          }
        })
        .onFailure(err -> {
          if (!(err instanceof StoreUnavailableException)) { // the store's breaker has said so once already
            LOG.warn("rate limiter unavailable, admitting request: {}", err.getMessage());
          }
          ctx.next();
        });
  }

  /** Admits one request of the tenant outside HTTP routing (a WebSocket turn); fails with the 429 error. */
  Future<Void> admit(String tenant) {
    Limits limits = limitsFor(tenant);
    if (limits.unlimited()) {
      return Future.succeededFuture();
    }
    return limiter.acquire(tenant, limits)
        .recover(err -> Future.succeededFuture(null))
        .compose(decision -> {
          if (decision == null || decision.allowed()) {
            return Future.<Void>succeededFuture();
          }
          metrics.rateLimited(label(tenant), decision.error().type());
          return Future.failedFuture(decision.error());
        });
  }

  /** Counts a finished response's tokens when the tenant has a token limit. */
  void recordTokens(String tenant, long tokens) {
    if (tokens > 0 && limitsFor(tenant).tokensPerMinute() > 0) {
      limiter.record(tenant, tokens)
          .onFailure(err -> LOG.warn("could not record token usage: {}", err.getMessage()));
    }
  }
}
