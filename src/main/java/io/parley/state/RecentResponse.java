package io.parley.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One line of a tenant's recent-responses index: what the operator console lists and shows beside a turn,
 * including what the stored turn does not hold (where its provider call went, how long it took). Built from
 * the stored turn when it is committed; an update (a background run that ended) replaces it.
 *
 * @param recordedAt when the turn was first recorded, epoch milliseconds (the index's order)
 * @param cache      the {@code x-parley-cache} placement of its provider call ({@code affinity-hit}, {@code moved; reason=down}, {@code miss})
 * @param latencyMs  from the request's arrival to the turn being stored
 * @param preview    the start of the turn's last input item, for the list
 */
public record RecentResponse(String id, String parentId, long recordedAt, String model, String status,
    boolean background, String conversation, long inputTokens, long outputTokens, long cachedTokens, String cache,
    long latencyMs, String preview) {

  static final int PREVIEW_CHARS = 120;

  /** The index line for a stored turn, as it stands. */
  public static RecentResponse of(StoredResponse stored, String cache, long latencyMs, long recordedAt) {
    JsonObject response = stored.response();
    JsonObject usage = response.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
    JsonObject details = usage.getValue("input_tokens_details") instanceof JsonObject d ? d : new JsonObject();
    String conversation = response.getValue("conversation") instanceof JsonObject c ? c.getString("id") : null;
    return new RecentResponse(stored.id(), stored.parentId(), recordedAt, response.getString("model"),
        response.getString("status"), response.getBoolean("background", false), conversation,
        number(usage, "input_tokens"), number(usage, "output_tokens"), number(details, "cached_tokens"), cache,
        latencyMs, preview(stored.input()));
  }

  /** The same line with another status (a background run read again from the store). */
  public RecentResponse withStatus(String newStatus) {
    return new RecentResponse(id, parentId, recordedAt, model, newStatus, background, conversation, inputTokens,
        outputTokens, cachedTokens, cache, latencyMs, preview);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("parent", parentId).put("recorded_at", recordedAt).put("model", model)
        .put("status", status).put("background", background).put("conversation", conversation)
        .put("input_tokens", inputTokens).put("output_tokens", outputTokens).put("cached_tokens", cachedTokens)
        .put("cache", cache).put("latency_ms", latencyMs).put("preview", preview);
  }

  public static RecentResponse fromJson(JsonObject json) {
    return new RecentResponse(json.getString("id"), json.getString("parent"), json.getLong("recorded_at", 0L),
        json.getString("model"), json.getString("status"), json.getBoolean("background", false),
        json.getString("conversation"), json.getLong("input_tokens", 0L), json.getLong("output_tokens", 0L),
        json.getLong("cached_tokens", 0L), json.getString("cache"), json.getLong("latency_ms", 0L),
        json.getString("preview"));
  }

  private static long number(JsonObject json, String key) {
    return json.getValue(key) instanceof Number n ? n.longValue() : 0L;
  }

  /** The text of the last input item (or its type, for a tool output), cut to {@link #PREVIEW_CHARS}. */
  static String preview(JsonArray input) {
    if (input == null || input.isEmpty() || !(input.getValue(input.size() - 1) instanceof JsonObject last)) {
      return "";
    }
    String text = text(last.getValue("content"));
    if (text == null) {
      text = last.getValue("output") instanceof String output ? output : String.valueOf(last.getString("type", ""));
    }
    // Cut before normalizing: an input can be megabytes, and this runs on the event loop.
    text = text.substring(0, Math.min(text.length(), 4 * PREVIEW_CHARS)).strip().replaceAll("\\s+", " ");
    return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS - 1) + "…";
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof JsonArray parts) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        if (text.length() >= 4 * PREVIEW_CHARS) {
          break;
        }
        if (part instanceof JsonObject p && p.getValue("text") instanceof String t) {
          text.append(text.length() > 0 ? " " : "").append(t);
        }
      }
      return text.length() > 0 ? text.toString() : null;
    }
    return null;
  }
}
