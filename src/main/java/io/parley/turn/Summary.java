package io.parley.turn;

import io.parley.protocol.Compaction;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.ProviderProtocol;
import io.parley.protocol.RequestParser;
import io.parley.upstream.Cancellation;
import io.parley.upstream.Forwarded;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * The model call that writes a compaction's summary ({@link Compaction#summaryRequest}): one non-streamed call
 * with the turn's model, cancelled with the turn or request that made it.
 */
public final class Summary {

  private Summary() {
  }

  /** The model's answer summarizing {@code older}: its text is the summary, its usage the compaction's cost. */
  public static Future<ModelOutput> of(Upstream upstream, ProviderProtocol protocol, String model, JsonArray older,
      String providerKey, Forwarded forwarded, Cancellation cancel) {
    CreateRequest summary = RequestParser.parse(Compaction.summaryRequest(model, older));
    ModelRequest call = ModelRequest.of(summary, List.of(), providerKey);
    Future<Upstream.Call> request;
    try {
      request = Future.succeededFuture(new Upstream.Call(protocol.path(), protocol.body(call, false), call.routingKey(),
          providerKey, forwarded, cancel));
    } catch (RuntimeException e) {
      request = Future.failedFuture(e);
    }
    return request.compose(upstream::post).map(answer -> protocol.output(answer.value(), call));
  }
}
