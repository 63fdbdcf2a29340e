package io.parley.http;

import io.parley.idempotency.IdempotencyKey;
import io.parley.idempotency.Recorded;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.OutputView;
import io.parley.protocol.ReplayedEvents;
import io.parley.protocol.RequestParser;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.parley.turn.Delivery;
import io.parley.turn.Ending;
import io.parley.turn.Events;
import io.parley.turn.Prepared;
import io.parley.turn.RunOptions;
import io.parley.turn.TurnEngine;
import io.parley.turn.TurnResult;
import io.parley.turn.TurnRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/responses} over HTTP. The whole request path of {@code POST /v1/responses} reads top to bottom
 * in {@link #create}: parse → prepare (every 4xx) → run → one adapter over the run's events (SSE, the JSON
 * fold, or the background run log). The turn itself is the engine's ({@code io.parley.turn}). Under an
 * {@code Idempotency-Key} ({@link IdempotentCreate}) a create also records what a retry replays.
 */
final class ResponsesApi implements IdempotentCreate.Replayable {

  static final String CACHE_HEADER = "x-parley-cache";

  private final ResponseStore store;
  private final RecentResponses recent;
  private final TurnEngine engine;
  private final BackgroundApi background;

  ResponsesApi(ResponseStore store, RecentResponses recent, TurnEngine engine, BackgroundApi background) {
    this.store = store;
    this.recent = recent;
    this.engine = engine;
    this.background = background;
  }

  @Override
  public Future<Void> create(RoutingContext ctx, IdempotentCreate.Attempt attempt) {
    Exchange exchange = Exchange.of(ctx);
    CreateRequest request = parse(ctx);
    exchange.model = request.model();
    exchange.stream = request.stream();
    return engine.prepare(Authenticator.tenant(ctx), ctx.get(Authenticator.PROVIDER_KEY), request)
        .compose(turn -> request.background() ? startInBackground(ctx, turn, exchange, attempt)
            : reply(ctx, turn, exchange, request.stream() ? Delivery.STREAM : Delivery.JSON, attempt));
  }

  private CreateRequest parse(RoutingContext ctx) {
    return engine.parse(RequestParser.parseJsonObject(ctx.body().buffer()));
  }

  /**
   * Answers at once with the queued response (or follows its stream) while the run goes on detached. Once
   * queued it is stored, so a retry is answered from the store.
   */
  private Future<Void> startInBackground(RoutingContext ctx, Prepared turn, Exchange exchange,
      IdempotentCreate.Attempt attempt) {
    exchange.response(turn.turn().inProgress());
    Future<JsonObject> queued = engine.runInBackground(turn,
        RunOptions.of(Delivery.BACKGROUND, exchange.forwarded, exchange.startNanos));
    attempt.records(() -> queued.map(Recorded::response));
    return queued
        .compose(response -> turn.turn().request().stream()
            ? background.follow(ctx, turn.turn().tenant(), turn.turn().id(), -1)
            : json(ctx, response));
  }

  /**
   * Runs the turn for this client: a client that leaves cancels it (and the provider call, at whatever stage);
   * once the provider has answered, the events go out as SSE or fold into one JSON answer.
   */
  private Future<Void> reply(RoutingContext ctx, Prepared turn, Exchange exchange, Delivery delivery,
      IdempotentCreate.Attempt attempt) {
    TurnRun run = engine.run(turn, RunOptions.of(delivery, exchange.forwarded, exchange.startNanos));
    exchange.response(run.response());
    attempt.records(() -> run.result().compose(ResponsesApi::replayable));
    ctx.response().closeHandler(v -> run.cancel(Ending.CLIENT_GONE));
    // A close handler set after the connection closed is never called (Vert.x 5.1): a client that left while
    // the turn was being prepared would otherwise hold its stream slot and provider call to the end.
    if (ctx.response().closed()) {
      run.cancel(Ending.CLIENT_GONE);
    }
    run.result().onSuccess(result -> exchange.response(result.response()));
    return run.opened().compose(v -> {
      ctx.response().putHeader(CACHE_HEADER, run.placement().header());
      if (delivery == Delivery.STREAM) {
        return sse(ctx, run);
      }
      JsonFold fold = new JsonFold();
      return run.events().pipeTo(fold).compose(done -> json(ctx, fold.response()));
    });
  }

  /**
   * The run's events as SSE. A write that fails because the client is gone ends the run, whether or not a
   * close was seen, and leaves the response as it is instead of ending it: on io_uring the reset reaches the
   * writes before the connection's close does, and Vert.x calls the close handler of a response in progress
   * only, so a response ended here would never hear of the close (issue 19: streams stayed open for good).
   */
  private static Future<Void> sse(RoutingContext ctx, TurnRun run) {
    return run.events().pipe().endOnFailure(false).to(new SseSink(ctx.response()))
        .onFailure(err -> run.cancel(Ending.CLIENT_GONE));
  }

  /**
   * Only a finished turn (stored before its terminal event) is answered again. One that failed, or whose
   * client left before it finished, made nothing a retry could be given: the retry runs it again.
   */
  private static Future<Recorded> replayable(TurnResult result) {
    return result.ending() == Ending.FINISHED ? Future.succeededFuture(Recorded.response(result.response()))
        : Future.failedFuture(new IllegalStateException("the turn ended " + result.ending()));
  }

  /**
   * A retry with the first attempt's key and body: its response as JSON, or as a stream rebuilt from it; a
   * background response as it stands now, or its run's log replayed from the start and followed.
   */
  @Override
  public Future<Void> replay(RoutingContext ctx, Recorded recorded) {
    CreateRequest request = parse(ctx);
    String tenant = Authenticator.tenant(ctx);
    if (request.background() && request.stream()) {
      return background.follow(ctx, tenant, recorded.id(), -1);
    }
    Future<JsonObject> response = recorded.body() != null ? Future.succeededFuture(recorded.json())
        : store.get(tenant, recorded.id()).compose(stored -> stored == null
            ? Future.failedFuture(IdempotencyKey.resultUnavailable(recorded.id()))
            : background.current(tenant, stored).map(StoredResponse::response));
    Exchange exchange = Exchange.of(ctx);
    exchange.stream = request.stream();
    OutputView view = OutputView.of(request);
    return response.compose(replayed -> {
      exchange.response(replayed);
      if (!request.stream()) {
        return json(ctx, view.response(replayed));
      }
      SseSink sink = new SseSink(ctx.response());
      return sink.write(new Events(ReplayedEvents.of(replayed, view))).compose(v -> sink.end());
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
    String tenant = Authenticator.tenant(ctx);
    engine.forget(tenant, id);
    return (Ids.isResponseId(id) ? store.delete(tenant, id) : Future.succeededFuture(false))
        .compose(deleted -> deleted ? recent.remove(tenant, id).map(true) : Future.succeededFuture(false))
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
