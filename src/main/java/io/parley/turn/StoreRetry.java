package io.parley.turn;

import io.parley.redis.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A finished turn's write, retried while the store is unavailable (doubling pauses from
 * {@value #FIRST_PAUSE_MS} ms) until it succeeds or the budget is spent: the provider has been paid for
 * the answer, so a Redis restart or failover of a second or so should not lose it. Only writes that are
 * safe to repeat go through here (a SET of the turn, an append that skips itself when already applied).
 */
final class StoreRetry {

  private static final long FIRST_PAUSE_MS = 50;

  private StoreRetry() {
  }

  static <T> Future<T> write(Vertx vertx, Duration budget, Supplier<Future<T>> write) {
    return attempt(vertx, System.nanoTime() + budget.toNanos(), FIRST_PAUSE_MS, write);
  }

  private static <T> Future<T> attempt(Vertx vertx, long deadline, long pauseMs, Supplier<Future<T>> write) {
    return write.get().recover(err -> {
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (!(err instanceof StoreUnavailableException) || leftMs <= pauseMs) {
        return Future.failedFuture(err);
      }
      Promise<T> retried = Promise.promise();
      vertx.setTimer(pauseMs, id -> attempt(vertx, deadline, pauseMs * 2, write).onComplete(retried));
      return retried.future();
    });
  }
}
