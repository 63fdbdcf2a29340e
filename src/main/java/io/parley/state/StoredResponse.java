package io.parley.state;

import io.parley.protocol.JsonBuffers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One stored turn: its own input items and the response object (which holds its output items), plus
 * the ids of every ancestor, oldest first. History is never copied into a turn; the ancestor list is
 * what lets a store fetch a whole chain in one batch.
 */
public record StoredResponse(String id, String parentId, List<String> ancestors, JsonArray input, JsonObject response,
    Tokens tokens) {

  /**
   * The tokens of the chain's history up to and including this turn, as sent to the provider (chat messages
   * with their framing), counted once when the turn was stored so that later turns need not retokenize it.
   *
   * @param encoding the tokenizer encoding they were counted with ({@code o200k_base}, {@code cl100k_base})
   */
  public record Tokens(String encoding, int history) {
  }

  public StoredResponse {
    ancestors = List.copyOf(ancestors);
  }

  /** A turn stored without a token count. */
  public StoredResponse(String id, String parentId, List<String> ancestors, JsonArray input, JsonObject response) {
    this(id, parentId, ancestors, input, response, null);
  }

  /** The ancestor list a child of this turn carries. */
  public List<String> lineage() {
    List<String> ids = new ArrayList<>(ancestors.size() + 1);
    ids.addAll(ancestors);
    ids.add(id);
    return ids;
  }

  /** This turn's item with that id, among its input and output items, or {@code null}. */
  public JsonObject item(String itemId) {
    for (JsonArray items : List.of(input, output())) {
      for (Object o : items) {
        if (o instanceof JsonObject item && itemId.equals(item.getString("id"))) {
          return item;
        }
      }
    }
    return null;
  }

  /** The ids of this turn's items, input then output. */
  public List<String> itemIds() {
    List<String> ids = new ArrayList<>();
    for (JsonArray items : List.of(input, output())) {
      for (Object o : items) {
        if (o instanceof JsonObject item && item.getValue("id") instanceof String id) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  public JsonArray output() {
    JsonArray output = response.getJsonArray("output");
    return output == null ? new JsonArray() : output;
  }

  public Buffer encode() {
    return json().toBuffer();
  }

  /** As {@link #encode}, as an array of exactly its size: what the stores keep and send without a further copy. */
  public byte[] encodeBytes() {
    return JsonBuffers.bytes(json());
  }

  private JsonObject json() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("parent", parentId)
        .put("ancestors", new JsonArray(new ArrayList<>(ancestors)))
        .put("input", input)
        .put("response", response);
    if (tokens != null) {
      json.put("tokens", new JsonObject().put("encoding", tokens.encoding()).put("history", tokens.history()));
    }
    return json;
  }

  public static StoredResponse decode(Buffer buffer) {
    JsonObject json = buffer.toJsonObject();
    List<String> ancestors = new ArrayList<>();
    for (Object a : json.getJsonArray("ancestors")) {
      ancestors.add((String) a);
    }
    JsonObject tokens = json.getJsonObject("tokens");
    return new StoredResponse(json.getString("id"), json.getString("parent"), ancestors,
        json.getJsonArray("input"), json.getJsonObject("response"),
        tokens == null ? null : new Tokens(tokens.getString("encoding"), tokens.getInteger("history")));
  }
}
