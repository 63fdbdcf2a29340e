package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The stream of a finished response, rebuilt from the response alone, for a client that asks for it again
 * (a retry under the same {@code Idempotency-Key}): the events a live stream of it has, in its order, with
 * each text, refusal, reasoning or arguments part as one delta. The terminal event carries the response
 * exactly as it was finished, so a client that folds the stream gets the same object.
 */
public final class ReplayedEvents {

  private ReplayedEvents() {
  }

  public static List<JsonObject> of(JsonObject finished) {
    return of(finished, OutputView.DEFAULT);
  }

  /** @param view what of the output the client sees (the {@code include} of its request) */
  public static List<JsonObject> of(JsonObject stored, OutputView view) {
    JsonObject finished = view.response(stored);
    JsonObject opening = finished.copy().put("status", "in_progress").put("output", new JsonArray())
        .put("usage", null).put("completed_at", null).put("incomplete_details", null).put("error", null);
    opening.remove("output_text");
    ResponseEvents events = new ResponseEvents(opening, view);
    List<JsonObject> out = new ArrayList<>(events.start());
    JsonArray output = finished.getJsonArray("output", new JsonArray());
    for (int i = 0; i < output.size(); i++) {
      item(new Item(events, i, output.getJsonObject(i)), out);
    }
    String terminal = switch (String.valueOf(finished.getValue("status"))) {
      case "incomplete" -> "response.incomplete";
      case "failed" -> "response.failed";
      default -> "response.completed";
    };
    out.add(events.event(terminal).put("response", finished));
    return out;
  }

  /** One output item and where it stands in the response; makes its numbered events. */
  private record Item(ResponseEvents events, int index, JsonObject item) {
    JsonObject whole(String type, JsonObject value) {
      return events.event(type).put("output_index", index).put("item", value);
    }

    JsonObject about(String type) {
      return events.event(type).put("item_id", item.getString("id")).put("output_index", index);
    }

    JsonObject part(String type, int contentIndex) {
      return about(type).put("content_index", contentIndex);
    }
  }

  private static void item(Item it, List<JsonObject> out) {
    JsonObject item = it.item();
    switch (String.valueOf(item.getValue("type"))) {
      case "message" -> message(it, out);
      case "reasoning" -> reasoning(it, out);
      case "function_call" -> {
        out.add(it.whole("response.output_item.added", inProgress(item).put("arguments", "")));
        out.add(it.about("response.function_call_arguments.delta").put("delta", item.getString("arguments", "")));
        out.add(it.about("response.function_call_arguments.done").put("name", item.getString("name"))
            .put("arguments", item.getString("arguments", "")));
      }
      case "mcp_call", "web_search_call", "code_interpreter_call" -> serverCall(it, out);
      case "mcp_list_tools" -> {
        out.add(it.whole("response.output_item.added", item.copy().put("tools", new JsonArray())));
        out.add(it.about("response.mcp_list_tools.in_progress"));
        out.add(it.about("response.mcp_list_tools.completed"));
      }
      // Approval requests, and the hosted tools' calls a Responses-API provider makes: announced, then done.
      default -> out.add(it.whole("response.output_item.added", inProgress(item)));
    }
    out.add(it.whole("response.output_item.done", item.copy()));
  }

  /** A call Parley ran (or, for hosted calls, a Responses-API provider ran): the events its kind gives, in a live stream's order. */
  private static void serverCall(Item it, List<JsonObject> out) {
    JsonObject item = it.item();
    ServerCalls.Kind kind = ServerCalls.kind(item.getValue("type"));
    out.add(it.whole("response.output_item.added", kind.announced(item)));
    kind.announcedEvents().forEach(type -> out.add(it.about(type)));
    for (JsonObject event : kind.argumentEvents(item)) {
      JsonObject numbered = it.about(event.getString("type"));
      event.forEach(field -> {
        if (!field.getKey().equals("type")) {
          numbered.put(field.getKey(), field.getValue());
        }
      });
      out.add(numbered);
    }
    out.add(it.about(kind.runningEvent()));
    String ended = kind.endedEvent(item);
    if (ended != null) {
      out.add(it.about(ended));
    }
  }

  private static void message(Item it, List<JsonObject> out) {
    JsonArray content = it.item().getJsonArray("content", new JsonArray());
    out.add(it.whole("response.output_item.added", inProgress(it.item()).put("content", new JsonArray())));
    for (int j = 0; j < content.size(); j++) {
      JsonObject part = content.getJsonObject(j);
      String type = String.valueOf(part.getValue("type"));
      JsonObject empty = switch (type) {
        case "output_text" -> part.copy().put("text", "").put("annotations", new JsonArray()).put("logprobs", new JsonArray());
        case "refusal" -> part.copy().put("refusal", "");
        default -> part.copy();
      };
      out.add(it.part("response.content_part.added", j).put("part", empty));
      if (type.equals("output_text")) {
        JsonArray logprobs = part.getJsonArray("logprobs", new JsonArray());
        out.add(it.part("response.output_text.delta", j).put("delta", part.getString("text", "")).put("logprobs", logprobs));
        JsonArray annotations = part.getJsonArray("annotations", new JsonArray());
        for (int a = 0; a < annotations.size(); a++) {
          out.add(it.part("response.output_text.annotation.added", j).put("annotation_index", a)
              .put("annotation", annotations.getValue(a)));
        }
        out.add(it.part("response.output_text.done", j).put("text", part.getString("text", "")).put("logprobs", logprobs));
      } else if (type.equals("refusal")) {
        out.add(it.part("response.refusal.delta", j).put("delta", part.getString("refusal", "")));
        out.add(it.part("response.refusal.done", j).put("refusal", part.getString("refusal", "")));
      }
      out.add(it.part("response.content_part.done", j).put("part", part.copy()));
    }
  }

  private static void reasoning(Item it, List<JsonObject> out) {
    JsonObject item = it.item();
    out.add(it.whole("response.output_item.added", inProgress(item).put("summary", new JsonArray())
        .put("content", new JsonArray())));
    JsonArray summary = item.getJsonArray("summary", new JsonArray());
    for (int j = 0; j < summary.size(); j++) {
      String text = summary.getJsonObject(j).getString("text", "");
      JsonObject empty = summary.getJsonObject(j).copy().put("text", "");
      out.add(it.about("response.reasoning_summary_part.added").put("summary_index", j).put("part", empty));
      out.add(it.about("response.reasoning_summary_text.delta").put("summary_index", j).put("delta", text));
      out.add(it.about("response.reasoning_summary_text.done").put("summary_index", j).put("text", text));
      out.add(it.about("response.reasoning_summary_part.done").put("summary_index", j)
          .put("part", summary.getJsonObject(j).copy()));
    }
    JsonArray content = item.getJsonArray("content", new JsonArray());
    for (int j = 0; j < content.size(); j++) {
      String text = content.getJsonObject(j).getString("text", "");
      out.add(it.part("response.reasoning_text.delta", j).put("delta", text));
      out.add(it.part("response.reasoning_text.done", j).put("text", text));
    }
  }

  /** A copy of the item as announced: {@code in_progress}, if it has a status at all (some hosted items do not). */
  private static JsonObject inProgress(JsonObject item) {
    JsonObject copy = item.copy();
    if (copy.containsKey("status")) {
      copy.put("status", "in_progress");
    }
    return copy;
  }
}
