package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.ResponsesEventRelay;
import io.parley.protocol.ResponsesProtocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A provider that speaks the Responses API ({@code /responses}); Parley keeps the state and sends {@code store:false}. */
public final class ResponsesUpstream implements Upstream {

  private final ProviderClient client;

  public ResponsesUpstream(Vertx vertx, ParleyConfig config, Metrics metrics) {
    this.client = new ProviderClient(vertx, config, metrics);
  }

  @Override
  public Future<ModelOutput> complete(ModelRequest request, Forwarded forwarded) {
    return client.post("/responses", ResponsesProtocol.request(request, false), request.providerKey(), forwarded).map(ResponsesProtocol::output);
  }

  @Override
  public Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded) {
    return client.postStream("/responses", ResponsesProtocol.request(request, true), request.providerKey(), forwarded)
        .map(chunks -> new ProviderStream(chunks, new ResponsesEventRelay(response)));
  }

  @Override
  public boolean hostedTools() {
    return true;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
