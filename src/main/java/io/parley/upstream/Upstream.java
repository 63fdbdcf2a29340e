package io.parley.upstream;

import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.StreamTranslation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The model provider, in whatever protocol it speaks. Failures are {@link io.parley.protocol.ApiError}s
 * already mapped for the client.
 */
public interface Upstream {

  /** A non-streaming call; {@code forwarded} carries the client's request id and trace context. */
  Future<ModelOutput> complete(ModelRequest request, Forwarded forwarded);

  /**
   * A streaming call. Completes once the provider has answered with a success status, so errors that
   * come before the first byte are still reported with their HTTP status.
   *
   * @param response the in-progress response object the events describe
   */
  Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded);

  /** Whether hosted tools ({@code web_search}, {@code file_search}, ...) can be passed to this provider. */
  boolean hostedTools();

  Future<Void> close();

  /** The provider's parsed stream and the translation of its data into Responses events. */
  record ProviderStream(ChunkStream chunks, StreamTranslation translation) {
  }
}
