package io.parley.upstream;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

/**
 * A provider's SSE stream as parsed Chat Completions chunks. Pausing it stops reading from the provider's
 * socket (TCP backpressure reaches the provider); {@link #cancel()} aborts the provider request.
 */
public interface ChunkStream extends ReadStream<JsonObject> {

  void cancel();

  @Override
  ChunkStream handler(Handler<JsonObject> handler);

  @Override
  ChunkStream exceptionHandler(Handler<Throwable> handler);

  @Override
  ChunkStream endHandler(Handler<Void> handler);

  @Override
  ChunkStream pause();

  @Override
  ChunkStream resume();

  @Override
  ChunkStream fetch(long amount);
}
