package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The provider as a transport: POSTs an already encoded body to one of its replicas, chosen by routing key,
 * and hands back the JSON answer or the parsed event stream. What the bytes mean is the protocol's business
 * ({@link io.parley.protocol.ProviderProtocol}). Failures are {@link io.parley.protocol.ApiError}s already
 * mapped for the client, or a {@link CancelledCallException} when the call's turn was cancelled.
 */
public final class Upstream {

  private final ReplicaRouter router;

  private Upstream(ReplicaRouter router) {
    this.router = router;
  }

  /** The provider for one event loop, routed over the picker's replicas. */
  public static Upstream create(Vertx vertx, ParleyConfig config, ReplicaPicker picker, Metrics metrics) {
    return new Upstream(new ReplicaRouter(vertx, config, picker, metrics));
  }

  /** One provider call: where it goes, whose key it uses, what it forwards, and what cancels it. */
  public record Call(String path, Buffer body, String routingKey, String providerKey, Forwarded forwarded,
      Cancellation cancel) {
  }

  /** A non-streaming call. */
  public Future<Routed<JsonObject>> post(Call call) {
    return router.call(call.routingKey(), call.cancel(),
        client -> client.post(call.path(), call.body(), call.providerKey(), call.forwarded(), call.cancel()));
  }

  /**
   * A streaming call. Completes once the provider has answered with a success status, so errors that come
   * before the first byte are still reported with their HTTP status.
   */
  public Future<Routed<ChunkStream>> postStream(Call call) {
    return router.call(call.routingKey(), call.cancel(),
        client -> client.postStream(call.path(), call.body(), call.providerKey(), call.forwarded(), call.cancel()));
  }

  public Future<Void> close() {
    return router.close();
  }
}
