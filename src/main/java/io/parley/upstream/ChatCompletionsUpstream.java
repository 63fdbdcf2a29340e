package io.parley.upstream;

import io.parley.protocol.ChatCompletionMapper;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.StreamTranslator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** An OpenAI-compatible {@code /chat/completions} provider: Parley translates both ways. */
public final class ChatCompletionsUpstream implements Upstream {

  private final ReplicaRouter router;

  ChatCompletionsUpstream(ReplicaRouter router) {
    this.router = router;
  }

  @Override
  public Future<Answer> complete(ModelRequest request, Forwarded forwarded) {
    Buffer body = body(request, false);
    return router.call(request.routingKey(), client -> client.post("/chat/completions", body, request.providerKey(), forwarded))
        .map(routed -> new Answer(ChatCompletionMapper.fromCompletion(routed.value(), request.policy()), routed.placement()));
  }

  @Override
  public Future<ProviderStream> stream(ModelRequest request, JsonObject response, Forwarded forwarded) {
    Buffer body = body(request, true);
    return router.call(request.routingKey(), client -> client.postStream("/chat/completions", body, request.providerKey(), forwarded))
        .map(routed -> new ProviderStream(routed.value(), new StreamTranslator(response, request.policy()), routed.placement()));
  }

  private static Buffer body(ModelRequest request, boolean stream) {
    // The history's messages go out as the bytes they were serialized to when the chain was last extended.
    return ChatRequestBuilder.body(request.request(), request.prefix().get(), stream);
  }

  @Override
  public boolean buildsFromChatPrefix() {
    return true;
  }

  @Override
  public boolean hostedTools() {
    return false;
  }

  @Override
  public Future<Void> close() {
    return router.close();
  }
}
