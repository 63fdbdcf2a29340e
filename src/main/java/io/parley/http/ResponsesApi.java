package io.parley.http;

import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.RequestParser;
import io.parley.protocol.ResponseObject;
import io.parley.state.MissingTurnException;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code /v1/responses}: each request is one flat chain, parse → load chain → call provider →
 * store → reply. The HTTP layer sees only the {@link ResponseStore} and {@link Upstream} interfaces.
 */
final class ResponsesApi {

  private final ResponseStore store;
  private final Upstream upstream;
  private final Metrics metrics;

  ResponsesApi(ResponseStore store, Upstream upstream, Metrics metrics) {
    this.store = store;
    this.upstream = upstream;
    this.metrics = metrics;
  }

  Future<Void> create(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    CreateRequest request = RequestParser.parse(RequestParser.parseJsonObject(ctx.body().buffer()), upstream.hostedTools());
    exchange.model = request.model();
    exchange.stream = request.stream();
    return loadChain(request)
        .map(chain -> Turn.start(request, chain))
        .onSuccess(turn -> exchange.response(turn.response()))
        .compose(turn -> request.stream() ? stream(ctx, turn, exchange) : complete(ctx, turn, exchange));
  }

  private Future<Void> complete(RoutingContext ctx, Turn turn, Exchange exchange) {
    return upstream.complete(turn.modelRequest(), exchange.forwarded)
        .map(output -> ResponseObject.finish(turn.response(), output, System.currentTimeMillis() / 1000))
        .onSuccess(exchange::response)
        .compose(response -> save(turn).map(response))
        .compose(response -> json(ctx, response));
  }

  private Future<Void> stream(RoutingContext ctx, Turn turn, Exchange exchange) {
    return upstream.stream(turn.modelRequest(), turn.response(), exchange.forwarded)
        .compose(stream -> StreamRelay.relay(ctx.response(), stream.chunks(), stream.translation(),
            finished -> save(turn), exchange, metrics));
  }

  private Future<Void> save(Turn turn) {
    return turn.request().store() ? store.put(turn.toStored()) : Future.succeededFuture();
  }

  private Future<List<StoredResponse>> loadChain(CreateRequest request) {
    String previous = request.previousResponseId();
    if (previous == null) {
      return Future.succeededFuture(List.of());
    }
    if (!Ids.isResponseId(previous)) {
      return Future.failedFuture(ApiError.previousResponseNotFound(previous));
    }
    return store.loadChain(previous).recover(err -> Future.failedFuture(
        err instanceof MissingTurnException missing ? chainBroken(previous, missing.missingId()) : err));
  }

  private static ApiError chainBroken(String previous, String missing) {
    if (previous.equals(missing)) {
      return ApiError.previousResponseNotFound(previous);
    }
    return ApiError.badRequest("previous_response_not_found", "previous_response_id",
        "Previous response with id '" + previous + "' cannot be continued: its earlier turn '" + missing
            + "' has expired or was deleted.");
  }

  Future<Void> retrieve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return find(id).compose(stored -> {
      Exchange.of(ctx).response(stored.response());
      return json(ctx, stored.response());
    });
  }

  Future<Void> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return (Ids.isResponseId(id) ? store.delete(id) : Future.succeededFuture(false))
        .compose(deleted -> deleted
            ? json(ctx, new JsonObject().put("id", id).put("object", "response.deleted").put("deleted", true))
            : Future.failedFuture(ApiError.responseNotFound(id)));
  }

  Future<Void> inputItems(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ItemPage page = ItemPage.fromQuery(ctx.queryParams());
    return find(id).compose(stored -> json(ctx, page.apply(stored.input())));
  }

  private Future<StoredResponse> find(String id) {
    return (Ids.isResponseId(id) ? store.get(id) : Future.<StoredResponse>succeededFuture(null))
        .compose(stored -> stored != null ? Future.succeededFuture(stored)
            : Future.failedFuture(ApiError.responseNotFound(id)));
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }

}
