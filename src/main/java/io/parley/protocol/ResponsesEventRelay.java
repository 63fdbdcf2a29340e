package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Responses provider's stream → this response's stream. Item events pass through unchanged but for
 * {@code sequence_number}; the lifecycle events ({@code response.created} ... {@code response.completed})
 * are Parley's own, because the response (its id, chain and settings) is Parley's.
 */
public final class ResponsesEventRelay implements StreamTranslation {

  private final JsonObject response;
  private final Map<Integer, JsonObject> doneItems = new TreeMap<>();
  private JsonObject providerResponse;
  private final ResponseEvents events;

  public ResponsesEventRelay(JsonObject response) {
    this(response, OutputView.DEFAULT);
  }

  /** @param view what of the output the client sees in the terminal event (the provider's own events are as it sent them) */
  public ResponsesEventRelay(JsonObject response, OutputView view) {
    this.response = response;
    this.events = new ResponseEvents(response, view);
  }

  @Override
  public List<JsonObject> start() {
    return events.start();
  }

  @Override
  public List<JsonObject> onChunk(JsonObject chunk) {
    String type = chunk.getString("type", "");
    switch (type) {
      case "response.created", "response.in_progress", "response.queued" -> {
        return List.of();
      }
      case "response.completed", "response.incomplete" -> {
        providerResponse = chunk.getJsonObject("response", new JsonObject());
        return List.of();
      }
      case "response.failed" -> {
        ResponsesProtocol.output(chunk.getJsonObject("response", new JsonObject().put("status", "failed")));
        return List.of();
      }
      case "error" -> throw ApiError.upstream("The upstream provider failed mid-stream: " + chunk.getString("message", "unknown error"));
      default -> {
        JsonObject relayed = events.renumber(chunk.copy());
        if (type.equals("response.output_item.done") && chunk.getValue("item") instanceof JsonObject item) {
          doneItems.put(chunk.getValue("output_index") instanceof Number n ? n.intValue() : doneItems.size(), item);
        }
        return List.of(relayed);
      }
    }
  }

  @Override
  public List<JsonObject> finish(long completedAt) {
    if (providerResponse == null) {
      throw ApiError.upstream("The upstream provider's stream ended before the response was completed.");
    }
    ModelOutput output = ResponsesProtocol.output(providerResponse);
    if (output.output().isEmpty() && !doneItems.isEmpty()) {
      output = new ModelOutput(new JsonArray(List.copyOf(doneItems.values())), output.usage(), output.finishReason());
    }
    ResponseObject.finish(response, output, completedAt);
    return List.of();
  }

  @Override
  public JsonObject response() {
    return response;
  }

  @Override
  public JsonObject terminalEvent() {
    return events.terminal();
  }

  @Override
  public JsonObject failedEvent(ApiError error) {
    return events.failed(error);
  }
}
