package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A provider that speaks the Responses API ({@code /responses}); Parley keeps the state and sends {@code store:false}. */
final class ResponsesApiProtocol implements ProviderProtocol {

  private final boolean passMcp;
  private final java.util.Set<String> runsHosted;
  /** The item types of the hosted calls Parley runs, told to the provider as the function calls they were. */
  private final java.util.Set<String> ranHere;

  ResponsesApiProtocol(boolean passMcp, java.util.Set<String> runsHosted) {
    this.passMcp = passMcp;
    this.runsHosted = java.util.Set.copyOf(runsHosted);
    java.util.Set<String> types = new java.util.HashSet<>();
    if (runsHosted.contains(HostedToolSpec.WEB_SEARCH)) {
      types.add("web_search_call");
    }
    if (runsHosted.contains(HostedToolSpec.CODE_INTERPRETER)) {
      types.add("code_interpreter_call");
    }
    this.ranHere = java.util.Set.copyOf(types);
  }

  @Override
  public java.util.Set<String> runsHosted() {
    return runsHosted;
  }

  @Override
  public boolean passesMcp() {
    return passMcp;
  }

  @Override
  public String path() {
    return "/responses";
  }

  @Override
  public Buffer body(ModelRequest request, boolean stream) {
    return ResponsesProtocol.request(request, stream, ranHere).toBuffer();
  }

  @Override
  public ModelOutput output(JsonObject answer, ModelRequest request) {
    ModelOutput output = ResponsesProtocol.output(answer);
    if (request.policy().serverTools().isEmpty()) {
      return output;
    }
    // Calls to the functions that stand for tools Parley runs become the items of those tools.
    io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
    for (Object o : output.output()) {
      JsonObject item = (JsonObject) o;
      ServerTool tool = "function_call".equals(item.getString("type")) ? request.policy().serverTool(item.getString("name")) : null;
      items.add(tool != null ? tool.item(item.getString("arguments", "")) : item);
    }
    return new ModelOutput(items, output.usage(), output.finishReason());
  }

  @Override
  public StreamTranslation translation(JsonObject response, ModelRequest request) {
    return new ResponsesEventRelay(response, OutputView.of(request.request()));
  }

  @Override
  public boolean hostedTools() {
    return true;
  }

  @Override
  public boolean buildsFromChatPrefix() {
    return false;
  }

  @Override
  public boolean streamsToolRounds() {
    return false;
  }
}
