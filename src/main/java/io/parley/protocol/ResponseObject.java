package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;

/**
 * Builds the response resource with every field the specs list, null where it does not apply, echoing
 * the request's settings. One builder for non-stream replies, stream snapshots and stored objects, so
 * what is streamed, returned and retrieved are the same object.
 */
public final class ResponseObject {

  private ResponseObject() {
  }

  private static final int RESPONSE_CAPACITY = 64;

  public static JsonObject inProgress(CreateRequest request, String id, long createdAt) {
    JsonObject raw = request.raw();
    // Sized for its ~36 fields (with finish's): a default map would grow twice while it is filled.
    JsonObject response = new JsonObject(new LinkedHashMap<>(RESPONSE_CAPACITY))
        .put("id", id)
        .put("object", "response")
        .put("created_at", createdAt)
        .put("completed_at", null)
        .put("conversation", request.conversationId() == null ? null : new JsonObject().put("id", request.conversationId()))
        .put("status", "in_progress")
        .put("background", raw.getBoolean("background", false))
        .put("error", null)
        .put("incomplete_details", null)
        .put("instructions", request.instructions())
        .put("max_output_tokens", raw.getValue("max_output_tokens"))
        .put("max_tool_calls", raw.getValue("max_tool_calls"))
        .put("model", request.model())
        .put("output", new JsonArray())
        .put("parallel_tool_calls", raw.getBoolean("parallel_tool_calls", true))
        .put("previous_response_id", request.previousResponseId())
        .put("prompt_cache_key", raw.getValue("prompt_cache_key"))
        .put("reasoning", reasoning(raw.getValue("reasoning")))
        .put("safety_identifier", raw.getValue("safety_identifier"))
        .put("service_tier", raw.getValue("service_tier", "default"))
        .put("store", request.store())
        .put("temperature", raw.getValue("temperature", 1.0))
        .put("text", raw.getValue("text", new JsonObject().put("format", new JsonObject().put("type", "text"))))
        .put("tool_choice", raw.getValue("tool_choice", "auto"))
        .put("tools", raw.getValue("tools", new JsonArray()))
        .put("top_logprobs", raw.getValue("top_logprobs", 0))
        .put("top_p", raw.getValue("top_p", 1.0))
        .put("presence_penalty", raw.getValue("presence_penalty", 0.0))
        .put("frequency_penalty", raw.getValue("frequency_penalty", 0.0))
        .put("truncation", raw.getValue("truncation", "disabled"))
        .put("usage", null)
        .put("user", raw.getValue("user"))
        .put("metadata", request.metadata() != null ? request.metadata() : new JsonObject());
    if (raw.getValue("prompt") != null) {
      response.put("prompt", raw.getValue("prompt"));
    }
    return response;
  }

  /** The requested reasoning settings, echoed with {@code effort} and {@code summary} always present (null if unset). */
  static JsonObject reasoning(Object requested) {
    if (!(requested instanceof JsonObject settings)) {
      return null;
    }
    JsonObject echoed = settings.copy();
    for (String key : new String[] {"effort", "summary"}) {
      if (!echoed.containsKey(key)) {
        echoed.putNull(key);
      }
    }
    return echoed;
  }

  /**
   * Fills in the outcome: status, output, usage, and the convenience {@code output_text}; answers that cite a
   * search Parley ran get their {@code url_citation} annotations.
   */
  public static JsonObject finish(JsonObject response, ModelOutput result, long completedAt) {
    Citations.annotate(result.output());
    String reason = switch (String.valueOf(result.finishReason())) {
      case "length" -> "max_output_tokens";
      case "content_filter" -> "content_filter";
      case "max_tool_calls" -> "max_tool_calls";
      default -> null;
    };
    response
        .put("status", reason != null ? "incomplete" : "completed")
        .put("completed_at", reason != null ? null : completedAt)
        .put("incomplete_details", reason != null ? new JsonObject().put("reason", reason) : null)
        .put("output", result.output())
        .put("usage", result.usage())
        .put("output_text", outputText(result.output()));
    return response;
  }

  /**
   * A failed response. Its {@code error.code} must be one the SDKs know for response errors (the Java SDK
   * rejects others), so provider failures are {@code server_error} / {@code rate_limit_exceeded} here;
   * the message says what happened.
   */
  public static JsonObject fail(JsonObject response, ApiError error) {
    String code = error.status() == 429 ? "rate_limit_exceeded" : "server_error";
    JsonObject body = new JsonObject().put("code", code).put("message", error.getMessage());
    return response.put("status", "failed").put("error", body);
  }

  /** The terminal event of a finished response: {@code response.completed} or {@code response.incomplete}. */
  public static JsonObject terminalEvent(JsonObject response, long sequenceNumber) {
    String type = "incomplete".equals(response.getString("status")) ? "response.incomplete" : "response.completed";
    return new JsonObject().put("type", type).put("sequence_number", sequenceNumber).put("response", response);
  }

  public static String outputText(JsonArray output) {
    StringBuilder text = new StringBuilder();
    for (Object o : output) {
      JsonObject item = (JsonObject) o;
      if (!"message".equals(item.getString("type"))) {
        continue;
      }
      for (Object p : item.getJsonArray("content")) {
        JsonObject part = (JsonObject) p;
        if ("output_text".equals(part.getString("type"))) {
          text.append(part.getString("text"));
        }
      }
    }
    return text.toString();
  }
}
