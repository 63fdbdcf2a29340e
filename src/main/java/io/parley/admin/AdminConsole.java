package io.parley.admin;

import io.parley.backend.Backends;
import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console of one gateway process: its JSON API, who may use it, the page itself (static files
 * under {@code console/} on the class path, no build step), and the timer that samples the gateway's meters
 * for its charts. Exists only when an admin key is configured; the transports mount it.
 */
public final class AdminConsole {

  /** The page's own policy: its scripts and styles only, its API only, no framing, no referrer (a key may be in the URL). */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Vertx vertx;
  private final AdminApi api;
  private final AdminAccess access;
  private final long timer;

  private AdminConsole(Vertx vertx, AdminApi api, AdminAccess access, long timer) {
    this.vertx = vertx;
    this.api = api;
    this.access = access;
    this.timer = timer;
  }

  /** The console, or {@code null} when no admin key is configured. */
  public static AdminConsole start(Vertx vertx, ParleyConfig config, Backends backends, Metrics metrics) {
    if (!config.admin().enabled()) {
      return null;
    }
    GatewayStats stats = new GatewayStats(metrics::figures);
    stats.sample();
    long timer = vertx.setPeriodic(GatewayStats.INTERVAL_MS, id -> stats.sample());
    Tenants tenants = new Tenants(backends.recent(), backends.responses(), config.apiKeys());
    AdminApi api = new AdminApi(backends.recent(), backends.responses(), backends.conversations(), tenants, stats);
    return new AdminConsole(vertx, api, new AdminAccess(config.admin().keyHash(), config.apiKeys()), timer);
  }

  public AdminApi api() {
    return api;
  }

  /** Admits {@code /admin/v1} requests with the admin key or a tenant's key (401 otherwise). */
  public Handler<RoutingContext> access() {
    return access;
  }

  /** Serves the page: {@code /console} itself, and its files under {@code /console/}. One per router. */
  public Handler<RoutingContext> page() {
    StaticHandler files = StaticHandler.create("console").setDefaultContentEncoding("UTF-8");
    return ctx -> {
      ctx.response()
          .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
          .putHeader("referrer-policy", "no-referrer")
          .putHeader("x-content-type-options", "nosniff")
          .putHeader("cache-control", "no-cache");
      String path = ctx.normalizedPath();
      if (path.equals("/console") || path.equals("/console/")) {
        ctx.response().putHeader("content-type", "text/html; charset=utf-8").sendFile("console/index.html")
            .onFailure(ctx::fail);
        return;
      }
      files.handle(ctx);
    };
  }

  public void close() {
    vertx.cancelTimer(timer);
  }
}
