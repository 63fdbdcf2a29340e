package io.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The numbered events of one response's stream, and the lifecycle events every translation shares:
 * {@code response.created}/{@code in_progress} at the start, then exactly one of
 * {@code response.completed}, {@code response.incomplete} or {@code response.failed}.
 */
final class ResponseEvents {

  private final JsonObject response;
  private final OutputView view;
  private long sequence;

  /** @param view what of the output the client sees, in the events that carry the response */
  ResponseEvents(JsonObject response, OutputView view) {
    this.response = response;
    this.view = view;
  }

  JsonObject event(String type) {
    return new JsonObject().put("type", type).put("sequence_number", sequence++);
  }

  /** Takes the next number for an event built elsewhere (a relayed provider event). */
  JsonObject renumber(JsonObject event) {
    return event.put("sequence_number", sequence++);
  }

  List<JsonObject> start() {
    return List.of(
        event("response.created").put("response", response.copy()),
        event("response.in_progress").put("response", response.copy()));
  }

  JsonObject terminal() {
    String type = "incomplete".equals(response.getString("status")) ? "response.incomplete" : "response.completed";
    return event(type).put("response", view.response(response));
  }

  JsonObject failed(ApiError error) {
    return event("response.failed").put("response", view.response(ResponseObject.fail(response, error)));
  }
}
