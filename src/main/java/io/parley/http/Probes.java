package io.parley.http;

import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.state.ResponseStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (not draining, and the store answers a PING
 * within {@value #PING_TIMEOUT_MS} ms; the result is reused for {@value #PING_CACHE_MS} ms so frequent
 * probes do not load Redis) and {@code /metrics}. One instance per event loop, used only on it.
 */
final class Probes {

  static final long PING_TIMEOUT_MS = 1000;
  static final long PING_CACHE_MS = 1000;

  private final ResponseStore store;
  private final Lifecycle lifecycle;
  private final Metrics metrics;
  private Future<Void> lastPing;
  private long lastPingAt;

  Probes(ResponseStore store, Lifecycle lifecycle, Metrics metrics) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
  }

  Future<Void> healthz(RoutingContext ctx) {
    return json(ctx, new JsonObject().put("status", "ok"));
  }

  Future<Void> readyz(RoutingContext ctx) {
    if (lifecycle.draining()) {
      return Future.failedFuture(unready("draining", "Parley is shutting down and accepts no new requests."));
    }
    if (!store.available()) {
      return Future.failedFuture(unready("store_unavailable", "The response store (Redis) is unreachable."));
    }
    return ping().transform(ar -> ar.succeeded()
        ? json(ctx, new JsonObject().put("status", "ready"))
        : Future.failedFuture(unready("store_unavailable",
            "The response store (Redis) did not answer a PING within " + PING_TIMEOUT_MS + " ms.")));
  }

  Future<Void> metrics(RoutingContext ctx) {
    return ctx.response().putHeader("content-type", Metrics.CONTENT_TYPE).end(metrics.scrape());
  }

  private Future<Void> ping() {
    long now = System.nanoTime();
    if (lastPing == null || now - lastPingAt > TimeUnit.MILLISECONDS.toNanos(PING_CACHE_MS)) {
      lastPingAt = now;
      lastPing = store.ping().timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
    return lastPing;
  }

  private static ApiError unready(String code, String message) {
    return new ApiError(503, "server_error", code, null, message);
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
