package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.parley.protocol.ChatCompletionMapper;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.StreamTranslator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** An OpenAI-compatible {@code /chat/completions} provider: Parley translates both ways. */
public final class ChatCompletionsUpstream implements Upstream {

  private final ProviderClient client;

  public ChatCompletionsUpstream(Vertx vertx, ParleyConfig config, Metrics metrics) {
    this.client = new ProviderClient(vertx, config, metrics);
  }

  @Override
  public Future<ModelOutput> complete(ModelRequest request, Forwarded forwarded) {
    return client.post("/chat/completions", ChatRequestBuilder.build(request.request(), request.history(), false),
        request.providerKey(), forwarded)
        .map(completion -> ChatCompletionMapper.fromCompletion(completion, request.policy()));
  }

  @Override
  public Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded) {
    return client.postStream("/chat/completions", ChatRequestBuilder.build(request.request(), request.history(), true),
        request.providerKey(), forwarded)
        .map(chunks -> new ProviderStream(chunks, new StreamTranslator(response, request.policy())));
  }

  @Override
  public boolean hostedTools() {
    return false;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
