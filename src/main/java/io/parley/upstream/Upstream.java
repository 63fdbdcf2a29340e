package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.StreamTranslation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The model provider, in whatever protocol it speaks, over one or several replicas. Failures are
 * {@link io.parley.protocol.ApiError}s already mapped for the client.
 */
public interface Upstream {

  /** The provider for one event loop: the configured protocol, routed over the picker's replicas. */
  static Upstream create(Vertx vertx, ParleyConfig config, ReplicaPicker picker, Metrics metrics) {
    ReplicaRouter router = new ReplicaRouter(vertx, config, picker, metrics);
    return config.upstreamKind().equals("responses") ? new ResponsesUpstream(router) : new ChatCompletionsUpstream(router);
  }

  /** A non-streaming call; {@code forwarded} carries the client's request id and trace context. */
  Future<Answer> complete(ModelRequest request, Forwarded forwarded);

  /**
   * A streaming call. Completes once the provider has answered with a success status, so errors that
   * come before the first byte are still reported with their HTTP status.
   *
   * @param response the in-progress response object the events describe
   */
  Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded);

  /** Whether hosted tools ({@code web_search}, {@code file_search}, ...) can be passed to this provider. */
  boolean hostedTools();

  /**
   * Whether calls are built from the history's serialized Chat Completions messages ({@link ModelRequest#prefix()}),
   * so a chain held only in that form can be continued; otherwise calls need the history's items.
   */
  default boolean buildsFromChatPrefix() {
    return false;
  }

  Future<Void> close();

  /** A finished non-streaming call, and where it went. */
  record Answer(ModelOutput output, Placement placement) {
  }

  /** The provider's parsed stream, the translation of its data into Responses events, and where it went. */
  record ProviderStream(ChunkStream chunks, StreamTranslation translation, Placement placement) {
  }
}
