package io.parley.http;

import io.parley.metrics.Metrics;
import io.parley.protocol.Ids;
import io.parley.upstream.Forwarded;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Starts and finishes every request's {@link Exchange}: the request id ({@code x-request-id} accepted when
 * sane, else generated, and always echoed back), then at the end the HTTP metrics and one structured
 * access-log line on the {@code parley.access} logger. Probes, scrapes and console chart polls log at DEBUG only.
 */
final class RequestObserver {

  private static final Logger ACCESS = LoggerFactory.getLogger("parley.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");
  /** Probes, scrapes and the console's polling of its charts, which would otherwise flood the log. */
  private static final Set<String> QUIET_ROUTES = Set.of("/healthz", "/readyz", "/metrics", "/admin/v1/stats");
  static final String INVALID = "invalid";

  private final Metrics metrics;

  RequestObserver(Metrics metrics) {
    this.metrics = metrics;
  }

  /** The router's first handler: every routed request gets an exchange, finished when its response ends. */
  void handle(RoutingContext ctx) {
    Exchange exchange = begin(ctx.request());
    ctx.put(Exchange.KEY, exchange);
    ctx.addEndHandler(ar -> finish(exchange, ctx.response().getStatusCode(), ar.succeeded()));
    ctx.next();
  }

  /** For requests answered before routing (malformed path or HTTP): observed with the route {@code invalid}. */
  Exchange observeUnrouted(HttpServerRequest request) {
    Exchange exchange = begin(request);
    exchange.route = INVALID;
    request.response().endHandler(v -> finish(exchange, request.response().getStatusCode(), true));
    return exchange;
  }

  private Exchange begin(HttpServerRequest request) {
    String given = request.getHeader("x-request-id");
    String id = given != null && SANE_ID.matcher(given).matches() ? given
        : Ids.newRequestId();
    request.response().putHeader("x-request-id", id);
    String method = request.method() == null ? "UNKNOWN" : request.method().name();
    return new Exchange(id, method, Forwarded.from(request.headers(), id));
  }

  private void finish(Exchange exchange, int status, boolean completed) {
    long nanos = exchange.elapsedNanos();
    metrics.httpRequest(exchange.route, exchange.method, status, exchange.tenantLabel, nanos);
    Level level = QUIET_ROUTES.contains(exchange.route) ? Level.DEBUG : Level.INFO;
    if (!ACCESS.isEnabledForLevel(level)) {
      return;
    }
    long millis = nanos / 1_000_000;
    LoggingEventBuilder line = ACCESS.atLevel(level)
        .addKeyValue("request_id", exchange.requestId)
        .addKeyValue("method", exchange.method)
        .addKeyValue("route", exchange.route)
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", millis);
    optional(line, "tenant", exchange.tenant);
    optional(line, "trace_id", exchange.forwarded.traceId());
    optional(line, "response_id", exchange.responseId);
    optional(line, "model", exchange.model);
    optional(line, "input_tokens", exchange.inputTokens);
    optional(line, "output_tokens", exchange.outputTokens);
    if (exchange.stream) {
      line.addKeyValue("stream", true);
    }
    if (!completed) {
      line.addKeyValue("client_closed", true);
    }
    line.log("{} {} {} {}ms", exchange.method, exchange.route, status, millis);
  }

  private static void optional(LoggingEventBuilder line, String key, Object value) {
    if (value != null) {
      line.addKeyValue(key, value);
    }
  }
}
