package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** An OpenAI-compatible {@code /chat/completions} provider: Parley translates both ways. */
final class ChatCompletionsProtocol implements ProviderProtocol {

  private final java.util.Set<String> runsHosted;

  ChatCompletionsProtocol(java.util.Set<String> runsHosted) {
    this.runsHosted = java.util.Set.copyOf(runsHosted);
  }

  @Override
  public java.util.Set<String> runsHosted() {
    return runsHosted;
  }

  @Override
  public String path() {
    return "/chat/completions";
  }

  @Override
  public Buffer body(ModelRequest request, boolean stream) {
    // The history's messages go out as the bytes they were serialized to when the chain was last extended.
    return ChatRequestBuilder.body(request.request(), request.prefix().get(), stream);
  }

  @Override
  public ModelOutput output(JsonObject answer, ModelRequest request) {
    return ChatCompletionMapper.fromCompletion(answer, request.policy());
  }

  @Override
  public StreamTranslation translation(JsonObject response, ModelRequest request) {
    return new StreamTranslator(response, request.policy(), OutputView.of(request.request()));
  }

  @Override
  public boolean hostedTools() {
    return false;
  }

  @Override
  public boolean buildsFromChatPrefix() {
    return true;
  }

  @Override
  public boolean streamsToolRounds() {
    return true;
  }
}
