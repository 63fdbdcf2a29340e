package io.parley.upstream;

import io.parley.protocol.ModelRequest;
import io.parley.protocol.ResponsesEventRelay;
import io.parley.protocol.ResponsesProtocol;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A provider that speaks the Responses API ({@code /responses}); Parley keeps the state and sends {@code store:false}. */
public final class ResponsesUpstream implements Upstream {

  private final ReplicaRouter router;

  ResponsesUpstream(ReplicaRouter router) {
    this.router = router;
  }

  @Override
  public Future<Answer> complete(ModelRequest request, Forwarded forwarded) {
    Buffer body = ResponsesProtocol.request(request, false).toBuffer();
    return router.call(request.routingKey(), client -> client.post("/responses", body, request.providerKey(), forwarded))
        .map(routed -> new Answer(ResponsesProtocol.output(routed.value()), routed.placement()));
  }

  @Override
  public Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded) {
    Buffer body = ResponsesProtocol.request(request, true).toBuffer();
    return router.call(request.routingKey(), client -> client.postStream("/responses", body, request.providerKey(), forwarded))
        .map(routed -> new ProviderStream(routed.value(), new ResponsesEventRelay(response), routed.placement()));
  }

  @Override
  public boolean hostedTools() {
    return true;
  }

  @Override
  public Future<Void> close() {
    return router.close();
  }
}
