package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A provider that speaks the Responses API ({@code /responses}); Parley keeps the state and sends {@code store:false}. */
final class ResponsesApiProtocol implements ProviderProtocol {

  @Override
  public String path() {
    return "/responses";
  }

  @Override
  public Buffer body(ModelRequest request, boolean stream) {
    return ResponsesProtocol.request(request, stream).toBuffer();
  }

  @Override
  public ModelOutput output(JsonObject answer, ModelRequest request) {
    return ResponsesProtocol.output(answer);
  }

  @Override
  public StreamTranslation translation(JsonObject response, ModelRequest request) {
    return new ResponsesEventRelay(response);
  }

  @Override
  public boolean hostedTools() {
    return true;
  }

  @Override
  public boolean buildsFromChatPrefix() {
    return false;
  }
}
