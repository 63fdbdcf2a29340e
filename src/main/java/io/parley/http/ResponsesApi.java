package io.parley.http;

import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.RequestParser;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.parley.turn.Delivery;
import io.parley.turn.Ending;
import io.parley.turn.Prepared;
import io.parley.turn.RunOptions;
import io.parley.turn.TurnEngine;
import io.parley.turn.TurnRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/responses} over HTTP. The whole request path of {@code POST /v1/responses} reads top to bottom
 * in {@link #create}: parse → prepare (every 4xx) → run → one adapter over the run's events (SSE, the JSON
 * fold, or the background run log). The turn itself is the engine's ({@code io.parley.turn}).
 */
final class ResponsesApi {

  static final String CACHE_HEADER = "x-parley-cache";

  private final ResponseStore store;
  private final TurnEngine engine;
  private final BackgroundApi background;

  ResponsesApi(ResponseStore store, TurnEngine engine, BackgroundApi background) {
    this.store = store;
    this.engine = engine;
    this.background = background;
  }

  Future<Void> create(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    CreateRequest request = engine.protocol().parse(RequestParser.parseJsonObject(ctx.body().buffer()));
    exchange.model = request.model();
    exchange.stream = request.stream();
    return engine.prepare(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request)
        .compose(turn -> request.background() ? startInBackground(ctx, turn, exchange)
            : reply(ctx, turn, exchange, request.stream() ? Delivery.STREAM : Delivery.JSON));
  }

  /** Answers at once with the queued response (or follows its stream) while the run goes on detached. */
  private Future<Void> startInBackground(RoutingContext ctx, Prepared turn, Exchange exchange) {
    exchange.response(turn.turn().inProgress());
    return engine.runInBackground(turn, RunOptions.of(Delivery.BACKGROUND, exchange.forwarded, exchange.startNanos))
        .compose(queued -> turn.turn().request().stream()
            ? background.follow(ctx, turn.turn().tenant(), turn.turn().id(), -1)
            : json(ctx, queued));
  }

  /**
   * Runs the turn for this client: a client that leaves cancels it (and the provider call, at whatever stage);
   * once the provider has answered, the events go out as SSE or fold into one JSON answer.
   */
  private Future<Void> reply(RoutingContext ctx, Prepared turn, Exchange exchange, Delivery delivery) {
    TurnRun run = engine.run(turn, RunOptions.of(delivery, exchange.forwarded, exchange.startNanos));
    exchange.response(run.response());
    ctx.response().closeHandler(v -> run.cancel(Ending.CLIENT_GONE));
    run.result().onSuccess(result -> exchange.response(result.response()));
    return run.opened().compose(v -> {
      ctx.response().putHeader(CACHE_HEADER, run.placement().header());
      if (delivery == Delivery.STREAM) {
        return run.events().pipeTo(new SseSink(ctx.response()));
      }
      JsonFold fold = new JsonFold();
      return run.events().pipeTo(fold).compose(done -> json(ctx, fold.response()));
    });
  }

  Future<Void> retrieve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if ("true".equals(ctx.queryParams().get("stream"))) {
      return background.follow(ctx, id);
    }
    return find(ctx, id).compose(found -> background.current(Authenticator.tenant(ctx), found)).compose(stored -> {
      Exchange.of(ctx).response(stored.response());
      return json(ctx, Includes.view(ctx).response(stored.response()));
    });
  }

  Future<Void> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    engine.forget(Authenticator.tenant(ctx), id);
    return (Ids.isResponseId(id) ? store.delete(Authenticator.tenant(ctx), id) : Future.succeededFuture(false))
        .compose(deleted -> deleted
            ? json(ctx, new JsonObject().put("id", id).put("object", "response.deleted").put("deleted", true))
            : Future.failedFuture(ApiError.responseNotFound(id)));
  }

  Future<Void> inputItems(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ItemPage page = ItemPage.fromQuery(ctx.queryParams());
    return find(ctx, id).compose(stored -> json(ctx, page.apply(stored.input())));
  }

  private Future<StoredResponse> find(RoutingContext ctx, String id) {
    return (Ids.isResponseId(id) ? store.get(Authenticator.tenant(ctx), id) : Future.<StoredResponse>succeededFuture(null))
        .compose(stored -> stored != null ? Future.succeededFuture(stored)
            : Future.failedFuture(ApiError.responseNotFound(id)));
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
