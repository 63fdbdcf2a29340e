package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sends one provider call to the replica its {@link ReplicaPicker} chooses, with this event loop's client
 * for that replica. A call that fails to connect or is answered 5xx marks its replica down for a
 * cool-down and is retried once on the next replica: before any byte was streamed to the client, since a
 * stream call completes only once the provider has answered 2xx. Failures leave here mapped for the client.
 */
final class ReplicaRouter {

  private final ReplicaPicker picker;
  private final List<ProviderClient> clients;
  private final Metrics metrics;

  ReplicaRouter(Vertx vertx, ParleyConfig config, ReplicaPicker picker, Metrics metrics) {
    this.picker = picker;
    this.metrics = metrics;
    this.clients = new ArrayList<>();
    for (Replica replica : picker.replicas()) {
      clients.add(new ProviderClient(vertx, config, replica, metrics));
    }
  }

  /** @param cancel a cancelled call is not retried elsewhere */
  <T> Future<Routed<T>> call(String routingKey, Cancellation cancel, Function<ProviderClient, Future<T>> attempt) {
    Route route = picker.pick(routingKey);
    return attempt(route.first(), attempt)
        .map(value -> new Routed<>(value, route.placement()))
        .recover(err -> route.fallback() != null && retryable(err) && !cancel.cancelled()
            ? attempt(route.fallback(), attempt).map(value -> new Routed<>(value, route.retried()))
            : Future.failedFuture(err))
        .onSuccess(routed -> metrics.upstreamAffinity(routed.placement().result()))
        .recover(err -> Future.failedFuture(err instanceof CancelledCallException ? err : UpstreamErrors.map(err)));
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
