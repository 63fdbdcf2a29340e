package io.parley.mcp;

import io.parley.upstream.Cancellation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link McpClient} on the Vert.x HTTP client. A call is one chain: check the URL, take (or open) the session,
 * send, and on a forgotten session open a new one and send once more. Sessions and listings live in maps shared
 * by every event loop; what a call waits on runs on its caller's context.
 */
final class VertxMcpClient implements McpClient {

  private static final Logger LOG = LoggerFactory.getLogger(McpClient.class);

  /** Statuses of a Streamable HTTP {@code initialize} that are about the credentials, not the transport. */
  private static final Set<String> NO_FALLBACK = Set.of("http_401", "http_403", "http_407", "http_429");

  private record Listing(List<McpTool> tools, long expiresAt) {
  }

  private final Vertx vertx;
  private final McpOptions options;
  private final HttpClientAgent http;
  private final UrlGuard guard;
  private final Wire wire;
  private final Map<String, McpSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, Listing> listings = new ConcurrentHashMap<>();

  VertxMcpClient(Vertx vertx, McpOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.http = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setConnectTimeout((int) options.connectTimeout().toMillis())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setMaxRedirects(0)
            .setForceSni(true)
            .setVerifyHost(true))
        .with(new PoolOptions().setHttp1MaxSize(32))
        .build();
    this.guard = new UrlGuard(vertx, options.allowPrivateNetworks());
    this.wire = new Wire(vertx, http, options.maxResponseBytes(), new AtomicLong());
  }

  @Override
  public Future<List<McpTool>> listTools(McpServer server, Cancellation cancel) {
    return onCallersContext(() -> {
      Listing cached = listings.get(server.cacheKey());
      if (cached != null && System.nanoTime() - cached.expiresAt() < 0) {
        return Future.succeededFuture(cached.tools());
      }
      long start = System.nanoTime();
      Exchange exchange = new Exchange(vertx, host(server), options.setupTimeout(), cancel);
      return exchange.run(withSession(server, exchange, session -> pages(session, exchange)))
          .recover(err -> Future.failedFuture(err instanceof RpcError e
              ? McpException.protocol(exchange.host(), "tools/list failed: " + e.getMessage())
              : err))
          .onSuccess(tools -> listings.put(server.cacheKey(),
              new Listing(List.copyOf(tools), System.nanoTime() + options.listingTtl().toNanos())))
          .onComplete(done -> log("tools/list", server, exchange.host(), null, done.cause(), start));
    });
  }

  @Override
  public Future<McpResult> callTool(McpServer server, String name, JsonObject arguments, Duration timeout,
      Cancellation cancel) {
    return onCallersContext(() -> {
      long start = System.nanoTime();
      Exchange exchange = new Exchange(vertx, host(server), timeout, cancel);
      JsonObject params = new JsonObject().put("name", name)
          .put("arguments", arguments == null ? new JsonObject() : arguments);
      return exchange.run(withSession(server, exchange, session -> session.request("tools/call", params, exchange)))
          .map(result -> ToolsCodec.result(result, exchange.host()))
          .recover(err -> err instanceof RpcError e
              ? Future.succeededFuture(ToolsCodec.errorResult(e.getMessage()))
              : Future.failedFuture(err))
          .onComplete(done -> log("tools/call", server, exchange.host(), name,
              done.failed() ? done.cause() : null, start));
    });
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = sessions.values().stream().map(McpSession::close).toList();
    sessions.clear();
    listings.clear();
    return Future.join(closing).eventually(http::close).mapEmpty();
  }

  /** Every page of {@code tools/list}, up to {@link McpOptions#maxListPages()}. */
  private Future<List<McpTool>> pages(McpSession session, Exchange exchange) {
    return page(session, exchange, null, new ArrayList<>(), 1);
  }

  private Future<List<McpTool>> page(McpSession session, Exchange exchange, String cursor, List<McpTool> tools,
      int number) {
    JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
    return session.request("tools/list", params, exchange).compose(page -> {
      tools.addAll(ToolsCodec.tools(page, exchange.host()));
      String next = ToolsCodec.nextCursor(page);
      if (next == null || next.equals(cursor)) {
        return Future.succeededFuture(tools);
      }
      if (number >= options.maxListPages()) {
        LOG.atWarn().setMessage("mcp tools/list cut short").addKeyValue("host", exchange.host())
            .addKeyValue("pages", number).log();
        return Future.succeededFuture(tools);
      }
      return page(session, exchange, next, tools, number + 1);
    });
  }

  /** Runs {@code work} in the server's session; if the server forgot it, once more in a new one. */
  private <T> Future<T> withSession(McpServer server, Exchange exchange, Function<McpSession, Future<T>> work) {
    return session(server, exchange).compose(session -> work.apply(session).recover(err -> {
      if (!(err instanceof SessionGone)) {
        return Future.failedFuture(err);
      }
      sessions.remove(server.cacheKey(), session);
      return open(server, exchange).compose(work);
    }));
  }

  private Future<McpSession> session(McpServer server, Exchange exchange) {
    McpSession cached = sessions.get(server.cacheKey());
    if (cached != null) {
      if (cached.usable(System.nanoTime())) {
        return Future.succeededFuture(cached);
      }
      if (sessions.remove(server.cacheKey(), cached)) {
        cached.close();
      }
    }
    return open(server, exchange);
  }

  /**
   * Streamable HTTP first; if its {@code initialize} is refused with a 4xx that is not about credentials, the legacy
   * HTTP+SSE transport at the same URL. Concurrent first calls may each open one; the last to finish is kept.
   */
  private Future<McpSession> open(McpServer server, Exchange exchange) {
    return guard.check(server.url()).compose(target ->
            StreamableSession.open(wire, target, server.headers(), options.sessionTtl(), exchange)
                .recover(err -> fallsBack(err)
                    ? LegacySseSession.open(wire, target, server.headers(), options.sessionTtl(), exchange)
                    : Future.failedFuture(err)))
        .onSuccess(session -> {
          McpSession previous = sessions.put(server.cacheKey(), session);
          if (previous != null && previous != session) {
            previous.close();
          }
        });
  }

  private static boolean fallsBack(Throwable err) {
    return err instanceof McpException e && e.kind().startsWith("http_4") && !NO_FALLBACK.contains(e.kind());
  }

  /** Starts {@code call} on the caller's context, so that its future completes there. */
  private <T> Future<T> onCallersContext(Supplier<Future<T>> call) {
    Context context = vertx.getOrCreateContext();
    if (Vertx.currentContext() == context) {
      return call.get();
    }
    Promise<T> result = Promise.promise();
    context.runOnContext(ignored -> call.get().onComplete(result));
    return result.future();
  }

  /** The URL's host, the only part of it that is logged or named in errors (its path or query may hold a token). */
  private static String host(McpServer server) {
    try {
      String host = URI.create(server.url()).getHost();
      return host == null ? "(invalid url)" : host;
    } catch (IllegalArgumentException e) {
      return "(invalid url)";
    }
  }

  /** One line per call, naming only the server's label, the URL's host, the tool and the outcome. */
  private static void log(String method, McpServer server, String host, String tool, Throwable failure, long start) {
    String outcome = failure == null ? "ok" : failure instanceof McpException e ? e.kind() : "error";
    (failure == null ? LOG.atDebug() : LOG.atInfo()).setMessage("mcp call")
        .addKeyValue("mcp_method", method)
        .addKeyValue("server_label", server.label())
        .addKeyValue("host", host)
        .addKeyValue("tool", tool)
        .addKeyValue("outcome", outcome)
        .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000)
        .log();
  }
}
