package io.parley.http;

import io.parley.background.RunLog;
import io.parley.protocol.ApiError;
import io.parley.protocol.Ids;
import io.parley.protocol.OutputView;
import io.parley.protocol.SseFrames;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * What any replica can do with a background response: read its state (a run whose replica died, its
 * lease expired, is failed here), cancel it, and replay its stream from any sequence number and follow
 * it to the end.
 */
final class BackgroundApi {

  static final Set<String> RUNNING = Set.of("queued", "in_progress");
  private static final long FOLLOW_POLL_MS = 50;
  private static final long CANCEL_WAIT_MS = 10_000;

  private final ResponseStore store;
  private final RunLog runs;

  BackgroundApi(ResponseStore store, RunLog runs) {
    this.store = store;
    this.runs = runs;
  }

  /** The stored turn, with a run whose lease has expired recorded as failed. */
  Future<StoredResponse> current(String tenant, StoredResponse stored) {
    JsonObject response = stored.response();
    if (!RUNNING.contains(response.getString("status"))) {
      return Future.succeededFuture(stored);
    }
    // The runner stores its final state before it releases the lease, so with no lease a fresh read is
    // either final or was abandoned by a replica that died.
    return runs.leased(tenant, stored.id()).compose(leased -> leased ? Future.succeededFuture(stored)
        : store.get(tenant, stored.id()).compose(fresh -> {
          if (fresh == null || !RUNNING.contains(fresh.response().getString("status"))) {
            return Future.succeededFuture(fresh != null ? fresh : stored);
          }
          fresh.response().put("status", "failed").put("error", new JsonObject().put("code", "server_error")
              .put("message", "The replica running this background response stopped before it finished."));
          return store.put(tenant, fresh).compose(v -> runs.append(tenant, fresh.id(), List.of(), true)).map(fresh);
        }));
  }

  Future<Void> cancel(RoutingContext ctx) {
    return cancel(ctx, Authenticator.tenant(ctx));
  }

  /** Cancels response {@code :id} of {@code tenant} (the caller's own, or the one the console names). */
  Future<Void> cancel(RoutingContext ctx, String tenant) {
    String id = ctx.pathParam("id");
    return find(tenant, id).compose(stored -> {
      if (!stored.response().getBoolean("background", false)) {
        throw ApiError.badRequest("invalid_value", null, "Only background responses can be cancelled.");
      }
      if (!RUNNING.contains(stored.response().getString("status"))) {
        return json(ctx, OutputView.DEFAULT.response(stored.response()));
      }
      long deadline = System.currentTimeMillis() + CANCEL_WAIT_MS;
      return runs.requestCancel(tenant, id).compose(v -> awaitEnd(ctx, tenant, id, deadline));
    });
  }

  /** Polls until the running replica has stored the end of the run (or its lease is gone). */
  private Future<Void> awaitEnd(RoutingContext ctx, String tenant, String id, long deadline) {
    return find(tenant, id).compose(stored -> {
      if (!RUNNING.contains(stored.response().getString("status")) || System.currentTimeMillis() > deadline) {
        return json(ctx, OutputView.DEFAULT.response(stored.response()));
      }
      Promise<Void> later = Promise.promise();
      ctx.vertx().setTimer(FOLLOW_POLL_MS, t -> awaitEnd(ctx, tenant, id, deadline).onComplete(later));
      return later.future();
    });
  }

  /** {@code GET /v1/responses/{id}?stream=true&starting_after=N}. */
  Future<Void> follow(RoutingContext ctx, String id) {
    String tenant = Authenticator.tenant(ctx);
    long after = startingAfter(ctx.queryParams().get("starting_after"));
    return find(tenant, id).compose(stored -> {
      if (!stored.response().getBoolean("background", false)) {
        throw ApiError.badRequest("invalid_value", "stream", "Only background responses can be streamed again.");
      }
      return follow(ctx, tenant, id, after);
    });
  }

  /** Writes the run's events after {@code after} as SSE, then follows new ones until the log is complete. */
  Future<Void> follow(RoutingContext ctx, String tenant, String id, long after) {
    HttpServerResponse client = ctx.response().setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    Promise<Void> done = Promise.promise();
    client.closeHandler(v -> done.tryComplete());
    poll(ctx, client, tenant, id, after, done);
    return done.future();
  }

  private void poll(RoutingContext ctx, HttpServerResponse client, String tenant, String id, long after,
      Promise<Void> done) {
    if (done.future().isComplete()) {
      return;
    }
    runs.after(tenant, id, after).onComplete(ar -> {
      if (ar.failed()) {
        client.reset();
        done.tryComplete();
        return;
      }
      long last = after;
      for (JsonObject event : ar.result().events()) {
        client.write(SseFrames.event(event));
        last = event.getLong("sequence_number", last + 1);
      }
      if (ar.result().done()) {
        client.end(SseFrames.DONE);
        done.tryComplete();
        return;
      }
      long next = last;
      Runnable again = () -> ctx.vertx().setTimer(FOLLOW_POLL_MS, t -> checkAlive(ctx, client, tenant, id, next, done));
      if (client.writeQueueFull()) {
        client.drainHandler(v -> again.run());
      } else {
        again.run();
      }
    });
  }

  /** A run whose replica died never completes its log: notice the lost lease, and end the stream. */
  private void checkAlive(RoutingContext ctx, HttpServerResponse client, String tenant, String id, long after,
      Promise<Void> done) {
    find(tenant, id).compose(stored -> current(tenant, stored))
        .onSuccess(stored -> poll(ctx, client, tenant, id, after, done))
        .onFailure(err -> {
          client.reset();
          done.tryComplete();
        });
  }

  private static long startingAfter(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiError.invalidType("starting_after", "an integer", value);
    }
  }

  private Future<StoredResponse> find(String tenant, String id) {
    return (Ids.isResponseId(id) ? store.get(tenant, id) : Future.<StoredResponse>succeededFuture(null))
        .compose(stored -> stored != null ? Future.succeededFuture(stored)
            : Future.failedFuture(ApiError.responseNotFound(id)));
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
