package io.parley.upstream;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The model provider. Failures are {@link io.parley.protocol.ApiError}s already mapped for the client. */
public interface Upstream {

  /** A non-streaming call: the provider's Chat Completions response. */
  Future<JsonObject> complete(JsonObject chatRequest);

  /**
   * A streaming call. Completes once the provider has answered with a success status, so errors that
   * come before the first byte are still reported with their HTTP status; the stream is paused until a
   * handler is set.
   */
  Future<ChunkStream> stream(JsonObject chatRequest);

  Future<Void> close();
}
