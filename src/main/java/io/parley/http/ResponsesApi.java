package io.parley.http;

import io.parley.background.RunLog;
import io.parley.cache.Chain;
import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.RequestParser;
import io.parley.protocol.ResponseObject;
import io.parley.state.ConversationStore;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.parley.upstream.Placement;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * {@code /v1/responses}: each request is one flat chain, parse → load chain → call provider →
 * store → reply. The HTTP layer sees only the {@link ResponseStore} and {@link Upstream} interfaces.
 */
final class ResponsesApi {

  static final String CACHE_HEADER = "x-parley-cache";

  private final ResponseStore store;
  private final ConversationStore conversations;
  private final TurnLoader turns;
  private final Upstream upstream;
  private final BiConsumer<String, Long> tokenMeter;
  private final Metrics metrics;
  private final BackgroundApi background;
  private final BackgroundRunner runner;
  private final StreamSlots slots;

  /** @param tokenMeter told each finished response's total tokens, per tenant (for token rate limits) */
  ResponsesApi(ResponseStore store, ConversationStore conversations, TurnLoader turns, Upstream upstream,
      BiConsumer<String, Long> tokenMeter, Metrics metrics, BackgroundApi background, RunLog runs, Duration lease,
      Vertx vertx, StreamSlots slots) {
    this.store = store;
    this.conversations = conversations;
    this.turns = turns;
    this.upstream = upstream;
    this.tokenMeter = tokenMeter;
    this.metrics = metrics;
    this.background = background;
    this.slots = slots;
    this.runner = new BackgroundRunner(vertx, upstream, runs, lease, turn -> save(turn).mapEmpty(),
        turn -> store.put(turn.tenant(), turn.toStored()));
  }

  Future<Void> create(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    CreateRequest request = RequestParser.parse(RequestParser.parseJsonObject(ctx.body().buffer()), upstream.hostedTools());
    exchange.model = request.model();
    exchange.stream = request.stream();
    return turns.start(ctx, request)
        .onSuccess(turn -> exchange.response(turn.response()))
        .compose(turn -> request.background() ? startInBackground(ctx, turn, exchange)
            : request.stream() ? stream(ctx, turn, exchange) : complete(ctx, turn, exchange));
  }

  /** Answers at once with the queued response (or follows its stream) while the run goes on detached. */
  private Future<Void> startInBackground(RoutingContext ctx, Turn turn, Exchange exchange) {
    return runner.start(turn, exchange.forwarded).compose(queued -> turn.request().stream()
        ? background.follow(ctx, turn.tenant(), turn.id(), -1)
        : json(ctx, queued));
  }

  private Future<Void> complete(RoutingContext ctx, Turn turn, Exchange exchange) {
    return upstream.complete(turn.modelRequest(), exchange.forwarded)
        .onSuccess(answer -> placed(ctx, answer.placement()))
        .map(answer -> ResponseObject.finish(turn.response(), answer.output(), System.currentTimeMillis() / 1000))
        .onSuccess(exchange::response)
        .compose(response -> save(turn).map(response))
        .compose(response -> json(ctx, response));
  }

  private Future<Void> stream(RoutingContext ctx, Turn turn, Exchange exchange) {
    try {
      slots.acquire(turn.tenant());
    } catch (ApiError e) {
      metrics.rateLimited(exchange.tenantLabel, "streams");
      return Future.failedFuture(e);
    }
    return upstream.stream(turn.modelRequest(), turn.response(), exchange.forwarded)
        .onSuccess(stream -> placed(ctx, stream.placement()))
        .compose(stream -> StreamRelay.relay(ctx.response(), stream.chunks(), stream.translation(),
            finished -> save(turn), exchange, metrics))
        .onComplete(v -> slots.release(turn.tenant()));
  }

  /** Tells the client whether the call reached the replica holding its chain's prompt cache. */
  private static void placed(RoutingContext ctx, Placement placement) {
    ctx.response().putHeader(CACHE_HEADER, placement.header());
  }

  /**
   * Counts the turn's tokens, stores it (unless {@code store:false}) and appends its items to its
   * conversation, all before the client hears that the response is complete.
   *
   * @return the chain that now ends with the stored turn, or {@code null} if the turn was not stored
   */
  Future<Chain> save(Turn turn) {
    JsonObject usage = turn.response().getJsonObject("usage");
    if (usage != null) {
      tokenMeter.accept(turn.tenant(), usage.getLong("total_tokens", 0L));
    }
    Future<Chain> stored = turn.request().store()
        ? turns.finish(turn).compose(done -> store.put(turn.tenant(), done.stored())
            .onSuccess(v -> turns.remember(turn.tenant(), done.chain()))
            .map(done.chain()))
        : Future.succeededFuture();
    String conversation = turn.request().conversationId();
    return conversation == null ? stored
        : stored.compose(chain -> conversations.append(turn.tenant(), conversation, turn.newItems()).map(chain));
  }

  Future<Void> retrieve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if ("true".equals(ctx.queryParams().get("stream"))) {
      return background.follow(ctx, id);
    }
    return find(ctx, id).compose(found -> background.current(Authenticator.tenant(ctx), found)).compose(stored -> {
      Exchange.of(ctx).response(stored.response());
      return json(ctx, stored.response());
    });
  }

  Future<Void> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    turns.forget(Authenticator.tenant(ctx), id);
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
