package io.parley.turn;

import io.parley.cache.Chain;
import io.vertx.core.json.JsonObject;

/**
 * How a turn ended.
 *
 * @param response the response as it ended (completed, incomplete, failed or cancelled)
 * @param chain    the chain that now ends with the turn, when it was stored or asked for; else {@code null}
 */
public record TurnResult(Ending ending, JsonObject response, Chain chain) {
}
