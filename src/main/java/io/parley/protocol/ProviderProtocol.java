package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a provider's API means, for one protocol: how a turn's call is encoded, how the provider's answer
 * and its stream decode into Responses output and events, and in which form a chain's history is cached.
 * One implementation per protocol; the transport ({@code upstream}) never looks inside the bytes.
 */
public interface ProviderProtocol {

  /**
   * @param kind    {@code chat} (the default) or {@code responses}
   * @param passMcp with {@code responses}: {@code mcp} tools go to the provider, which runs them
   */
  static ProviderProtocol of(String kind, boolean passMcp) {
    return of(kind, passMcp, java.util.Set.of());
  }

  /** @param runsHosted the hosted tools Parley runs on an operator backend ({@link HostedToolSpec#kind}) */
  static ProviderProtocol of(String kind, boolean passMcp, java.util.Set<String> runsHosted) {
    return kind.equals("responses") ? new ResponsesApiProtocol(passMcp, runsHosted) : new ChatCompletionsProtocol(runsHosted);
  }

  /** Parses a create request for this provider: which tools it takes itself, and which Parley runs. */
  default CreateRequest parse(io.vertx.core.json.JsonObject body) {
    return RequestParser.parse(body, hostedTools(), passesMcp(), runsHosted());
  }

  /** The hosted tools ({@link HostedToolSpec#kind}) Parley runs itself on an operator backend. */
  default java.util.Set<String> runsHosted() {
    return java.util.Set.of();
  }

  /** Whether {@code mcp} tools are passed to the provider to run, instead of being run by Parley. */
  default boolean passesMcp() {
    return false;
  }

  /** The path under the provider's base URL that calls are POSTed to. */
  String path();

  Buffer body(ModelRequest request, boolean stream);

  /** A non-streaming answer, decoded. */
  ModelOutput output(JsonObject answer, ModelRequest request);

  /** The decoder of one streaming answer into the events of {@code response} (an in-progress response object). */
  StreamTranslation translation(JsonObject response, ModelRequest request);

  /** Whether hosted tools ({@code web_search}, {@code file_search}, ...) can be passed to this provider. */
  boolean hostedTools();

  /**
   * Whether calls are built from the history's serialized Chat Completions messages ({@link ModelRequest#prefix()}),
   * so a chain held only in that form can be continued; otherwise calls need the history's items.
   */
  boolean buildsFromChatPrefix();

  /** Whether a stream of several provider calls in one response (a tool loop Parley runs) can be relayed. */
  boolean streamsToolRounds();
}
