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

  /** The history's items; only calls that cannot be built from the serialized prefix ask for them. */
  @Override
  public List<JsonArray> history() {
    return Objects.requireNonNull(history, "this call's history is held only as serialized chat messages");
  }

  private static String routingKey(CreateRequest request, String chainKey) {
    return request.raw().getValue("prompt_cache_key") instanceof String key && !key.isEmpty() ? key : chainKey;
  }
}
