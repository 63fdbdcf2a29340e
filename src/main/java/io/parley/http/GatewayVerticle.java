package io.parley.http;

import io.parley.admin.AdminApi;
import io.parley.admin.AdminConsole;
import io.parley.backend.Backends;
import io.parley.cache.ContextCache;
import io.parley.config.ParleyConfig;
import io.parley.idempotency.KeyClaims;
import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.upstream.ReplicaPicker;
import io.parley.protocol.ProviderProtocol;
import io.parley.hosted.HostedBackends;
import io.parley.mcp.McpClient;
import io.parley.turn.McpSettings;
import io.parley.turn.StreamSlots;
import io.parley.turn.CompactionSeal;
import io.parley.turn.TurnEngine;
import io.parley.turn.TurnServices;
import io.parley.turn.TurnSettings;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The HTTP front: one instance per event loop, each owning its provider client, so a request's work stays
 * on the event loop that accepted it. The stores are the process's, shared by every event loop.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** Route templates, the only paths that appear in metrics and logs (raw paths hold ids). */
  private static final List<String> ROUTES = List.of("/v1/responses", "/v1/responses/input_tokens",
      "/v1/responses/compact", "/v1/responses/:id", "/v1/responses/:id/input_items", "/v1/responses/:id/cancel", "/v1/conversations",
      "/v1/conversations/:id", "/v1/conversations/:id/items", "/v1/conversations/:id/items/:itemId",
      "/v1/files", "/v1/files/:id", "/v1/files/:id/content",
      "/healthz", "/readyz", "/metrics", "/admin/v1/responses", "/admin/v1/responses/:id/chain",
      "/admin/v1/responses/:id/cancel", "/admin/v1/conversations", "/admin/v1/conversations/:id", "/admin/v1/stats",
      "/console", "/console/*");

  private final ParleyConfig config;
  private final Backends backends;
  private final Metrics metrics;
  private final Lifecycle lifecycle;
  private final StreamSlots slots;
  private final ContextCache cache;
  private final ReplicaPicker replicas;
  private final McpClient mcp;
  private final CompactionSeal seal;
  private final AdminConsole console;
  private final HostedBackends hosted;
  private TurnEngine engine;
  private Upstream upstream;
  private HttpServer server;

  /**
   * @param backends the process's stores, shared by every event loop and closed by their owner
   * @param replicas the provider's replicas and how to choose among them, shared by every event loop
   * @param mcp      the MCP client, shared by every event loop
   * @param seal     seals and opens compaction items, the same for every event loop
   * @param console  the operator console, or {@code null} when there is none (no admin key): its routes then 404
   * @param hosted   the backends of hosted tools, shared by every event loop
   */
  public GatewayVerticle(ParleyConfig config, Backends backends, ReplicaPicker replicas, Metrics metrics,
      Lifecycle lifecycle, StreamSlots slots, ContextCache cache, McpClient mcp, CompactionSeal seal, AdminConsole console,
      HostedBackends hosted) {
    this.mcp = mcp;
    this.seal = seal;
    this.console = console;
    this.hosted = hosted;
    this.slots = slots;
    this.cache = cache;
    this.config = config;
    this.replicas = replicas;
    this.backends = backends;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
  }

  @Override
  public Future<?> start() {
    upstream = Upstream.create(vertx, config, replicas, metrics);
    HttpServerOptions options = new HttpServerOptions()
        .setMaxInitialLineLength(16 * 1024)
        .setMaxHeaderSize(32 * 1024)
        .setTcpNoDelay(true)
        // Every response is written from its connection's event loop, so writes need no cross-thread queue:
        // without this each connection holds a 1,024-slot MPSC queue (~4.6 KB), most of a held stream's heap.
        .setStrictThreadMode(true);
    RateLimitHandler limits = new RateLimitHandler(config, backends.limiter(), metrics);
    engine = new TurnEngine(vertx, backends, new TurnServices(cache, mcp, hosted, seal), TurnSettings.of(config), upstream,
        ProviderProtocol.of(config.upstreamKind(), config.mcp().passthrough(), hosted.kinds()), slots, metrics,
        limits::recordTokens);
    BackgroundApi background = new BackgroundApi(backends.responses(), backends.runs());
    ResponsesApi responses = new ResponsesApi(backends.responses(), backends.recent(), engine, background);
    RequestObserver observer = new RequestObserver(metrics);
    IdempotentCreate idempotent = new IdempotentCreate(new KeyClaims(vertx, backends.idempotency(), config.idempotencyWait()));
    Router router = router(responses, background, new ConversationsApi(backends.conversations()),
        new InputTokensApi(engine), new CompactionApi(engine), new FilesApi(backends.files(), config.files()), limits,
        new Probes(backends.responses(), lifecycle, metrics), observer, idempotent);
    server = vertx.createHttpServer(options)
        .requestHandler(request -> {
          ApiError malformed = PathCheck.problem(request);
          if (malformed == null) {
            router.handle(request);
          } else {
            observer.observeUnrouted(request);
            ErrorMapper.send(request.response(), malformed);
          }
        })
        .invalidRequestHandler(request -> {
          observer.observeUnrouted(request);
          ErrorMapper.invalidRequest(request);
        });
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }

  private Router router(ResponsesApi api, BackgroundApi background, ConversationsApi conversations, InputTokensApi tokens,
      CompactionApi compaction, FilesApi files, RateLimitHandler limits, Probes probes, RequestObserver observer,
      IdempotentCreate idempotent) {
    Router router = Router.router(vertx);
    router.route().handler(observer::handle);
    for (String route : ROUTES) {
      router.route(route).handler(named(route));
    }
    router.route("/v1/*").handler(new Authenticator(config.apiKeys()));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    router.get("/v1/responses").handler(ctx -> run(ctx, c -> webSocket(c, api, limits)));
    router.post("/v1/responses")
        .handler(body)
        .handler(limits)
        .handler(ctx -> run(ctx, c -> idempotent.handle(c, "/v1/responses", api)));
    router.post("/v1/responses/input_tokens").handler(body).handler(ctx -> run(ctx, tokens::count));
    router.post("/v1/responses/compact").handler(body).handler(limits).handler(ctx -> run(ctx, compaction::compact));
    router.get("/v1/responses/:id").handler(ctx -> run(ctx, api::retrieve));
    router.delete("/v1/responses/:id").handler(ctx -> run(ctx, api::delete));
    router.post("/v1/responses/:id/cancel").handler(ctx -> run(ctx, background::cancel));
    router.get("/v1/responses/:id/input_items").handler(ctx -> run(ctx, api::inputItems));
    router.post("/v1/conversations").handler(body)
        .handler(ctx -> run(ctx, c -> idempotent.handle(c, "/v1/conversations", conversations)));
    router.get("/v1/conversations/:id").handler(ctx -> run(ctx, conversations::retrieve));
    router.post("/v1/conversations/:id").handler(body).handler(ctx -> run(ctx, conversations::update));
    router.delete("/v1/conversations/:id").handler(ctx -> run(ctx, conversations::delete));
    router.get("/v1/conversations/:id/items").handler(ctx -> run(ctx, conversations::listItems));
    router.post("/v1/conversations/:id/items").handler(body).handler(ctx -> run(ctx, conversations::addItems));
    router.get("/v1/conversations/:id/items/:itemId").handler(ctx -> run(ctx, conversations::getItem));
    router.delete("/v1/conversations/:id/items/:itemId").handler(ctx -> run(ctx, conversations::deleteItem));
    filesRoutes(router, files);
    router.get("/healthz").handler(ctx -> run(ctx, probes::healthz));
    router.get("/readyz").handler(ctx -> run(ctx, probes::readyz));
    router.get("/metrics").handler(ctx -> run(ctx, probes::metrics));
    if (console != null) {
      consoleRoutes(router, background);
    }
    router.route().failureHandler(ctx -> ErrorMapper.handle(ctx, config.maxBodyBytes()));
    router.errorHandler(404, ctx -> ErrorMapper.handle(ctx, config.maxBodyBytes()));
    router.errorHandler(405, ctx -> ErrorMapper.handle(ctx, config.maxBodyBytes()));
    return router;
  }

  /**
   * The operator console: its page, and its API behind the admin key (or a tenant's key, for that tenant). A
   * cancel from the console goes through the same code as {@code POST /v1/responses/{id}/cancel}.
   */
  private void consoleRoutes(Router router, BackgroundApi background) {
    AdminApi admin = console.api();
    router.route("/admin/v1/*").handler(console.access());
    router.get("/admin/v1/responses").handler(ctx -> run(ctx, admin::responses));
    router.get("/admin/v1/responses/:id/chain").handler(ctx -> run(ctx, admin::chain));
    router.post("/admin/v1/responses/:id/cancel")
        .handler(ctx -> run(ctx, c -> admin.tenantOf(c).compose(tenant -> background.cancel(c, tenant))));
    router.get("/admin/v1/conversations").handler(ctx -> run(ctx, admin::conversations));
    router.get("/admin/v1/conversations/:id").handler(ctx -> run(ctx, admin::conversation));
    router.get("/admin/v1/stats").handler(ctx -> run(ctx, admin::stats));
    router.get("/console").handler(console.page());
    router.get("/console/*").handler(console.page());
  }

  /**
   * Uploads stream to the file store's staging directory as they arrive (the body handler keeps form fields in
   * memory, never a file's bytes), up to {@code files_max_bytes}; anything but multipart is refused before a byte of
   * it is read.
   */
  private void filesRoutes(Router router, FilesApi files) {
    long max = config.files().maxBytes();
    BodyHandler uploads = BodyHandler.create(backends.files().stagingDir())
        // The form's other fields and its part headers come on top of the file.
        .setBodyLimit(max + 64 * 1024)
        .setHandleFileUploads(true)
        .setDeleteUploadedFilesOnEnd(true);
    // Its own route: Vert.x Web runs a route's body handler before its other handlers.
    router.post("/v1/files").handler(files::requireMultipart);
    router.post("/v1/files").handler(uploads).handler(ctx -> run(ctx, files::upload));
    router.post("/v1/files").failureHandler(ctx -> {
      if (ctx.failure() == null && ctx.statusCode() == 413) {
        ErrorMapper.send(ctx.response(), FilesApi.tooLarge(max));
      } else {
        ctx.next();
      }
    });
    router.get("/v1/files").handler(ctx -> run(ctx, files::list));
    router.get("/v1/files/:id").handler(ctx -> run(ctx, files::retrieve));
    router.delete("/v1/files/:id").handler(ctx -> run(ctx, files::delete));
    router.get("/v1/files/:id/content").handler(ctx -> run(ctx, files::content));
    router.route("/v1/uploads*").handler(ctx -> ctx.fail(ApiError.badRequest("unsupported_endpoint", null,
        "The Uploads API (files sent in parts) is not supported by this gateway: upload files of up to " + max
            + " bytes in one request with POST /v1/files.")));
  }

  /** Labels the request with its route template (never the raw path, which holds ids) for metrics and logs. */
  private static Handler<RoutingContext> named(String route) {
    return ctx -> {
      // The first template that matches names it: /v1/responses/input_tokens also matches /v1/responses/:id.
      Exchange exchange = Exchange.of(ctx);
      if (exchange.route.equals(Exchange.UNMATCHED)) {
        exchange.route = route;
      }
      ctx.next();
    };
  }

  /** {@code GET /v1/responses} upgraded to a WebSocket: one {@link WebSocketSession} per connection. */
  private Future<Void> webSocket(RoutingContext ctx, ResponsesApi api, RateLimitHandler limits) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      return Future.failedFuture(ApiError.badRequest("invalid_request", null,
          "GET /v1/responses is the WebSocket transport: send a WebSocket upgrade request."));
    }
    String tenant = Authenticator.tenant(ctx);
    String providerKey = ctx.get(Authenticator.PROVIDER_KEY);
    return ctx.request().toWebSocket().map(socket -> {
      new WebSocketSession(socket, tenant, providerKey, engine, limits, lifecycle).start(vertx, config.websocketMaxAge());
      return null;
    });
  }

  /** Runs a handler whose synchronous throws and failed futures both reach the failure handler. */
  private static void run(RoutingContext ctx, Function<RoutingContext, Future<Void>> handler) {
    Future<Void> result;
    try {
      result = handler.apply(ctx);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    result.onFailure(err -> {
      if (ctx.response().ended()) {
        // The whole answer was handed to the connection already: what failed is writing it, because the
        // client left (its access line says client_closed). There is nothing left to answer, and no bug.
        LOG.debug("could not write the answer: {}", err.toString());
        return;
      }
      ctx.fail(err);
    });
  }

  /**
   * Stops accepting connections now; open connections close once their in-flight request (or stream)
   * is answered, or when {@code grace} runs out. Turns still running on this event loop (background ones
   * too) get what is left of the grace; then they are cancelled, so no provider call outlives the replica.
   */
  public Future<Void> drain(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> server.shutdown(grace)
        .transform(ar -> engine.drain(deadline))
        .onComplete(drained));
    return drained.future();
  }

  @Override
  public Future<?> stop() {
    return server.close()
        .eventually(() -> upstream.close());
  }

}
