package io.parley.idempotency;

import io.parley.protocol.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The life of a request under an {@code Idempotency-Key}, whatever it creates: claim the key, or wait for
 * the attempt that holds it (bounded), or find what it recorded; then hold a won claim (renewing its lease)
 * until the attempt's outcome is known, and record it, or release the key so that a retry runs again.
 * One per event loop; its timers run there.
 */
public final class KeyClaims {

  private static final Logger LOG = LoggerFactory.getLogger(KeyClaims.class);

  /** How long a claim lasts unrenewed: a replica that dies mid-attempt frees its keys after this. */
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final long FIRST_POLL_MS = 20;
  private static final long MAX_POLL_MS = 250;

  private final Vertx vertx;
  private final IdempotencyKeys keys;
  private final Duration wait;

  /** @param wait how long a request waits for the running attempt that holds its key, before a 409 */
  public KeyClaims(Vertx vertx, IdempotencyKeys keys, Duration wait) {
    this.vertx = vertx;
    this.keys = keys;
    this.wait = wait;
  }

  /**
   * Completes with {@link Claim.Won} (this request runs) or a done {@link Claim.Held} (answer from what it
   * recorded). Fails with 409 when the key is held for another request, or still running after the wait.
   *
   * @param waiting whether the client still waits (one that left stops the polling)
   */
  public Future<Claim> claim(IdempotencyKey key, BooleanSupplier waiting) {
    return claim(key, waiting, System.nanoTime() + wait.toNanos(), FIRST_POLL_MS);
  }

  private Future<Claim> claim(IdempotencyKey key, BooleanSupplier waiting, long deadline, long pollMs) {
    return keys.claim(key, LEASE).compose(claim -> {
      if (!(claim instanceof Claim.Held held)) {
        return Future.succeededFuture(claim);
      }
      if (!held.fingerprint().equals(key.fingerprint())) {
        return Future.failedFuture(IdempotencyKey.reused());
      }
      if (held.done()) {
        return Future.succeededFuture(held);
      }
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        return Future.failedFuture(IdempotencyKey.inUse());
      }
      if (!waiting.getAsBoolean()) {
        return Future.failedFuture(new ApiError(499, "invalid_request_error", "request_cancelled", null,
            "The client left while waiting for the request holding its Idempotency-Key."));
      }
      // Polled rather than notified: the holder may be on another event loop or another replica.
      Promise<Claim> later = Promise.promise();
      vertx.setTimer(Math.min(pollMs, leftMs), t -> claim(key, waiting, deadline, Math.min(MAX_POLL_MS, pollMs * 2))
          .onComplete(later));
      return later.future();
    });
  }

  /**
   * Holds a won claim until the attempt's {@code outcome}: renews its lease meanwhile, then records the
   * outcome for retries, or, when it failed (nothing a retry could replay was made), releases the key.
   */
  public void hold(Ticket ticket, Future<Recorded> outcome) {
    long renewal = vertx.setPeriodic(LEASE.toMillis() / 3, t -> keys.renew(ticket, LEASE));
    outcome.onComplete(ar -> {
      vertx.cancelTimer(renewal);
      (ar.succeeded() ? keys.complete(ticket, ar.result()) : keys.release(ticket)).onFailure(err ->
          // The key's claim then lapses with its lease, and a retry runs again.
          LOG.warn("could not {} an idempotency key: {}", ar.succeeded() ? "record" : "release", err.toString()));
    });
  }
}
