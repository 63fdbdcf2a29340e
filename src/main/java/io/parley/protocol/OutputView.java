package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;

/**
 * What of a response's output a client sees. Parley keeps the calls it ran whole (a search's results, the logs
 * of code it ran), since later turns tell the model about them again; as with OpenAI, a client sees some of
 * those parts only when its {@code include} asks for them. Applied where output leaves Parley: stream events,
 * the JSON answer, retrieval and conversation items.
 *
 * @param include the {@code include} values asked for
 */
public record OutputView(List<String> include) {

  public static final OutputView DEFAULT = new OutputView(List.of());

  public OutputView {
    include = List.copyOf(include);
  }

  public static OutputView of(CreateRequest request) {
    return request.raw().getValue("include") instanceof JsonArray list ? of(list.getList()) : DEFAULT;
  }

  /** A view from {@code include} values; anything that is not a string is ignored. */
  public static OutputView of(Collection<?> include) {
    return include.isEmpty() ? DEFAULT
        : new OutputView(include.stream().filter(String.class::isInstance).map(String.class::cast).toList());
  }

  public boolean includes(String what) {
    return include.contains(what);
  }

  /** The item as the client sees it: itself, or a copy without what it did not ask for. */
  public JsonObject item(JsonObject item) {
    if (Compaction.isOpened(item)) {
      return Compaction.forClient(item);
    }
    ServerCalls.Kind kind = ServerCalls.kind(item.getValue("type"));
    return kind == null ? item : kind.present(item, this);
  }

  /** The items as the client sees them: the same array when no item changes. */
  public JsonArray items(JsonArray items) {
    JsonArray shown = null;
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        continue;
      }
      JsonObject presented = item(item);
      if (presented != item) {
        if (shown == null) {
          shown = items.copy();
        }
        shown.set(i, presented);
      }
    }
    return shown == null ? items : shown;
  }

  /** The response as the client sees it: the same object when no output item changes, else a shallow copy. */
  public JsonObject response(JsonObject response) {
    if (!(response.getValue("output") instanceof JsonArray output)) {
      return response;
    }
    JsonArray shown = items(output);
    if (shown == output) {
      return response;
    }
    JsonObject copy = new JsonObject(new java.util.LinkedHashMap<>(response.getMap()));
    return copy.put("output", shown);
  }
}
