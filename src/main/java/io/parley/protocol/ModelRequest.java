package io.parley.protocol;

import io.vertx.core.json.JsonArray;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a provider call is built from: the validated request, the history before it, what the model
 * may emit, and the client's own provider key in pass-through mode ({@code null} otherwise: the configured
 * key is used).
 *
 * @param history    the items of every earlier turn, oldest first; {@code null} when the history is only held
 *                   as its serialized chat messages (see {@link #prefix})
 * @param prefix     the same history as serialized Chat Completions messages, built on first use
 * @param routingKey what keeps the calls of one chain on one provider replica (so its prompt cache stays hot):
 *                   the request's {@code prompt_cache_key} when it gives one, else the chain's own key; may be {@code null}
 */
public record ModelRequest(CreateRequest request, List<JsonArray> history, Supplier<ChatPrefix> prefix,
    OutputPolicy policy, String providerKey, String routingKey) {

  /** A call outside any chain: routed by {@code prompt_cache_key} if the request has one. */
  public static ModelRequest of(CreateRequest request, List<JsonArray> history, String providerKey) {
    return of(request, history, providerKey, null);
  }

  /** @param chainKey identifies the chain (or conversation) the call continues */
  public static ModelRequest of(CreateRequest request, List<JsonArray> history, String providerKey, String chainKey) {
    ToolHistory.validate(history, request.input());
    return new ModelRequest(request, history, () -> ChatPrefix.of(history), OutputPolicy.of(request.raw()),
        providerKey, routingKey(request, chainKey));
  }

  /**
   * A call continuing a history known by its prefix (and by its items when {@code history} is not null).
   *
   * @param calls the tool calls open and answered at the end of the history
   */
  public static ModelRequest of(CreateRequest request, List<JsonArray> history, Supplier<ChatPrefix> prefix,
      ToolHistory calls, String providerKey, String chainKey) {
    calls.validate(request.input());
    return new ModelRequest(request, history, prefix, OutputPolicy.of(request.raw()), providerKey,
        routingKey(request, chainKey));
  }

  /** The same call with another policy (the MCP tools that Parley runs, or a later round's budget). */
  public ModelRequest with(OutputPolicy newPolicy) {
    return new ModelRequest(request, history, prefix, newPolicy, providerKey, routingKey);
  }

  /**
   * The call as the model sees a turn with tools Parley runs (MCP servers, hosted tools with a backend): in
   * place of the request's tools of the {@code replaced} types, each tool offered as a function
   * ({@code functions}), and the calls to them made into those tools' items ({@code targets}).
   */
  public ModelRequest withTools(java.util.Set<String> replaced, JsonArray functions,
      java.util.Map<String, ServerTool> targets) {
    CreateRequest forModel = request.withModelTools(replaced, functions);
    return new ModelRequest(forModel, history, prefix, OutputPolicy.of(forModel.raw()).withServerTools(targets),
        providerKey, routingKey);
  }

  /** A later round of the same turn: the same history, the turn's input followed by its output so far. */
  public ModelRequest withInput(JsonArray input, int callsMade) {
    return new ModelRequest(request.withInput(input), history, prefix, policy.after(callsMade), providerKey, routingKey);
  }

  /** The history's items; only calls that cannot be built from the serialized prefix ask for them. */
  @Override
  public List<JsonArray> history() {
    return Objects.requireNonNull(history, "this call's history is held only as serialized chat messages");
  }

  private static String routingKey(CreateRequest request, String chainKey) {
    return request.raw().getValue("prompt_cache_key") instanceof String key && !key.isEmpty() ? key : chainKey;
  }
}
