package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Sends one provider call to the replica its {@link ReplicaPicker} chooses, with this event loop's client
 * for that replica. A call that fails to connect or is answered 5xx marks its replica down for a
 * cool-down and is retried once on the next replica: before any byte was streamed to the client, since a
 * stream call completes only once the provider has answered 2xx. A provider that answers 429 or 503 with
 * {@code Retry-After} is called again after that wait when it fits in {@code upstream_retry_budget}.
 * Failures leave here mapped for the client.
 */
final class ReplicaRouter {

  private final ReplicaPicker picker;
  private final List<ProviderClient> clients;
  private final Metrics metrics;
  private final Vertx vertx;
  private final Duration retryBudget;

  ReplicaRouter(Vertx vertx, ParleyConfig config, ReplicaPicker picker, Metrics metrics) {
    this.vertx = vertx;
    this.retryBudget = config.resilience().upstreamRetryBudget();
    this.picker = picker;
    this.metrics = metrics;
    this.clients = new ArrayList<>();
    for (Replica replica : picker.replicas()) {
      clients.add(new ProviderClient(vertx, config, replica, metrics));
    }
  }

  /** @param cancel a cancelled call is not retried elsewhere, nor after a wait */
  <T> Future<Routed<T>> call(String routingKey, Cancellation cancel, Function<ProviderClient, Future<T>> attempt) {
    return routed(routingKey, cancel, attempt, System.nanoTime() + retryBudget.toNanos())
        .onSuccess(routed -> metrics.upstreamAffinity(routed.placement().result()))
        .recover(err -> Future.failedFuture(err instanceof CancelledCallException ? err : UpstreamErrors.map(err)));
  }

  private <T> Future<Routed<T>> routed(String routingKey, Cancellation cancel, Function<ProviderClient, Future<T>> attempt,
      long deadline) {
    Route route = picker.pick(routingKey);
    return attempt(route.first(), attempt)
        .map(value -> new Routed<>(value, route.placement()))
        .recover(err -> route.fallback() != null && retryable(err) && !cancel.cancelled()
            ? attempt(route.fallback(), attempt).map(value -> new Routed<>(value, route.retried()))
            : Future.failedFuture(err))
        .recover(err -> {
          long pause = pauseBeforeRetry(err, deadline);
          if (pause < 0 || cancel.cancelled()) {
            return Future.failedFuture(err);
          }
          Promise<Routed<T>> retried = Promise.promise();
          vertx.setTimer(Math.max(1, pause), id -> (cancel.cancelled() ? Future.<Routed<T>>failedFuture(new CancelledCallException())
              : routed(routingKey, cancel, attempt, deadline)).onComplete(retried));
          return retried.future();
        });
  }

  /**
   * How long to wait before calling again after a provider asked to be retried later (429 or 503 with
   * {@code Retry-After}), with up to a fifth more as jitter so that callers turned away together do not
   * return together; -1 when it did not ask, or asked for longer than the budget has left. Nothing has
   * reached the client yet: a stream call completes only once the provider has answered 2xx.
   */
  private long pauseBeforeRetry(Throwable err, long deadline) {
    if (!(err instanceof ProviderStatusException status) || status.retryAfterMillis() < 0
        || (status.status() != 429 && status.status() != 503)) {
      return -1;
    }
    long pause = status.retryAfterMillis() + (long) (status.retryAfterMillis() * 0.2 * ThreadLocalRandom.current().nextDouble());
    return System.nanoTime() + pause * 1_000_000 <= deadline ? pause : -1;
  }

  private <T> Future<T> attempt(Replica replica, Function<ProviderClient, Future<T>> attempt) {
    return attempt.apply(clients.get(replica.index())).onFailure(err -> {
      if (retryable(err) && !(err instanceof CancelledCallException)) {
        replica.coolDown();
      }
    });
  }

  /**
   * The replica, not the request, is at fault: it could not be reached, it broke (5xx), or it closed the
   * connection before answering (a replica shutting down closes its kept-alive connections).
   */
  private static boolean retryable(Throwable err) {
    return err instanceof ConnectException || err instanceof HttpClosedException
        || err instanceof ProviderStatusException status && status.status() >= 500;
  }

  Future<Void> close() {
    return Future.join(clients.stream().map(ProviderClient::close).toList()).mapEmpty();
  }
}
