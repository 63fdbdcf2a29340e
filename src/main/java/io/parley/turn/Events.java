package io.parley.turn;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The Responses events one step of a turn produced (one provider chunk's worth, or a lifecycle step), in
 * sequence order. Transports write a batch at once: one flush per provider chunk, not one per event.
 */
public record Events(List<JsonObject> list) {

  /** Whether the batch ends the turn's stream: its last event is {@code response.completed}, {@code .incomplete} or {@code .failed}. */
  public boolean terminal() {
    if (list.isEmpty()) {
      return false;
    }
    return switch (String.valueOf(list.get(list.size() - 1).getValue("type"))) {
      case "response.completed", "response.incomplete", "response.failed" -> true;
      default -> false;
    };
  }

  /** The response carried by the batch's terminal event, or {@code null}. */
  public JsonObject terminalResponse() {
    return terminal() ? list.get(list.size() - 1).getJsonObject("response") : null;
  }
}
