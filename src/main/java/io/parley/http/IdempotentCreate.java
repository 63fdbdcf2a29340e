package io.parley.http;

import io.parley.idempotency.Claim;
import io.parley.idempotency.IdempotencyKey;
import io.parley.idempotency.KeyClaims;
import io.parley.idempotency.Recorded;
import io.parley.idempotency.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/**
 * A create endpoint ({@code POST /v1/responses}, {@code POST /v1/conversations}) behind the
 * {@code Idempotency-Key} header, as one step wrapped around it: without the header the create runs as it
 * is; with it, the first request with the key runs the create, and a retry (same key, same body) is
 * answered from what that first attempt recorded, waiting for it while it runs. An attempt that recorded
 * nothing (it failed before its turn finished, or its client left first) releases the key.
 */
final class IdempotentCreate {

  /** Set on an answer replayed from an earlier request's result (Stripe's name for it). */
  static final String REPLAYED_HEADER = "idempotent-replayed";

  /** A create that can answer a retry from what its first attempt recorded. */
  interface Replayable {

    Future<Void> create(RoutingContext ctx, Attempt attempt);

    /** Answers a retry of a create whose first attempt recorded {@code recorded}. */
    Future<Void> replay(RoutingContext ctx, Recorded recorded);
  }

  /** What a create tells the key it runs under, if it has one. */
  interface Attempt {

    Attempt UNKEYED = outcome -> { };

    /**
     * Called at most once, before the answer is written: {@code outcome} gives a future that completes with
     * what a retry is answered from, or fails if the attempt made nothing a retry could be answered from. It
     * is only called under a key, so an unkeyed create never encodes an answer that nothing will replay.
     */
    void records(Supplier<Future<Recorded>> outcome);
  }

  private final KeyClaims claims;

  IdempotentCreate(KeyClaims claims) {
    this.claims = claims;
  }

  Future<Void> handle(RoutingContext ctx, String route, Replayable endpoint) {
    String header = ctx.request().getHeader(IdempotencyKey.HEADER);
    if (header == null) {
      return endpoint.create(ctx, Attempt.UNKEYED);
    }
    Buffer body = ctx.body().buffer();
    IdempotencyKey key = IdempotencyKey.of(Authenticator.tenant(ctx), header, route, body);
    return claims.claim(key, () -> !ctx.response().closed()).compose(claim -> {
      if (claim instanceof Claim.Won won) {
        return firstAttempt(ctx, endpoint, won.ticket());
      }
      ctx.response().putHeader(REPLAYED_HEADER, "true");
      return endpoint.replay(ctx, ((Claim.Held) claim).recorded());
    });
  }

  private Future<Void> firstAttempt(RoutingContext ctx, Replayable endpoint, Ticket ticket) {
    Recording attempt = new Recording();
    Future<Void> answer;
    try {
      answer = endpoint.create(ctx, attempt);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    claims.hold(ticket, attempt.outcome(answer));
    return answer;
  }

  /** One attempt's outcome: what its create recorded, or a failure if it answered without recording anything. */
  private static final class Recording implements Attempt {

    private final Promise<Recorded> outcome = Promise.promise();
    private boolean recorded;

    @Override
    public void records(Supplier<Future<Recorded>> result) {
      recorded = true;
      result.get().onComplete(outcome);
    }

    /** Once the answer is done, a create that recorded nothing (a 4xx before its turn ran) has failed. */
    Future<Recorded> outcome(Future<Void> answer) {
      answer.onComplete(ar -> {
        if (!recorded) {
          outcome.tryFail(ar.failed() ? ar.cause() : new IllegalStateException("the create recorded nothing"));
        }
      });
      return outcome.future();
    }
  }
}
