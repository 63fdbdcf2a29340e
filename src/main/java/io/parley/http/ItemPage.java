package io.parley.http;

import io.parley.protocol.ApiError;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Cursor pagination over a list of items ({@code after}, {@code limit} 1–100, {@code order} asc/desc). */
record ItemPage(String after, int limit, boolean ascending) {

  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  static ItemPage fromQuery(MultiMap query) {
    int limit = DEFAULT_LIMIT;
    String rawLimit = query.get("limit");
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        throw ApiError.invalidType("limit", "an integer", rawLimit);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.invalidValue("limit", "Invalid 'limit': must be between 1 and 100, got " + limit + ".");
      }
    }
    String order = query.get("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw ApiError.invalidValue("order", "Invalid value for 'order': expected 'asc' or 'desc'.");
    }
    return new ItemPage(query.get("after"), limit, "asc".equals(order));
  }

  /** The list object: {@code object, data, first_id, last_id, has_more}. */
  JsonObject apply(JsonArray items) {
    int size = items.size();
    int start = 0;
    if (after != null) {
      start = size;
      for (int i = 0; i < size; i++) {
        if (after.equals(at(items, i).getString("id"))) {
          start = i + 1;
          break;
        }
      }
    }
    JsonArray data = new JsonArray();
    for (int i = start; i < size && data.size() < limit; i++) {
      data.add(at(items, i));
    }
    boolean hasMore = start + data.size() < size;
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("first_id", data.isEmpty() ? null : data.getJsonObject(0).getString("id"))
        .put("last_id", data.isEmpty() ? null : data.getJsonObject(data.size() - 1).getString("id"))
        .put("has_more", hasMore);
  }

  private JsonObject at(JsonArray items, int i) {
    return items.getJsonObject(ascending ? i : items.size() - 1 - i);
  }
}
