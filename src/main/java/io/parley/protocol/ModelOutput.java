package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one provider call produced, in Responses terms.
 *
 * @param usage        Responses-shaped usage, or {@code null} when the provider reported none
 * @param finishReason the provider's {@code finish_reason} ({@code stop}, {@code length}, ...)
 */
public record ModelOutput(JsonArray output, JsonObject usage, String finishReason) {
}
