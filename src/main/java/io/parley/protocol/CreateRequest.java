package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code POST /v1/responses} body.
 *
 * @param raw   the body as sent, for echoing request fields into the response object
 * @param input this turn's input as normalized items (each with {@code type} and {@code id})
 * @param conversationId the conversation this turn belongs to, or {@code null}
 */
public record CreateRequest(
    JsonObject raw,
    String model,
    JsonArray input,
    String instructions,
    String previousResponseId,
    String conversationId,
    boolean store,
    boolean stream,
    JsonObject metadata) {

  public boolean background() {
    return raw.getBoolean("background", false);
  }

  /** Whether {@code include} asks for this extra output data. */
  public boolean includes(String what) {
    return raw.getValue("include") instanceof JsonArray include && include.contains(what);
  }
}
