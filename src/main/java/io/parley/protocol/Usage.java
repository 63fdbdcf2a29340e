package io.parley.protocol;

import io.vertx.core.json.JsonObject;

/** Responses {@code usage} objects added up, for a response made of several provider calls. */
public final class Usage {

  private Usage() {
  }

  /** {@code a + b}, field by field (nested details too); either may be {@code null}. */
  public static JsonObject sum(JsonObject a, JsonObject b) {
    if (a == null) {
      return b == null ? null : b.copy();
    }
    if (b == null) {
      return a.copy();
    }
    JsonObject sum = a.copy();
    for (String key : b.fieldNames()) {
      Object x = sum.getValue(key);
      Object y = b.getValue(key);
      if (x instanceof Number nx && y instanceof Number ny) {
        sum.put(key, nx.longValue() + ny.longValue());
      } else if (x instanceof JsonObject ox && y instanceof JsonObject oy) {
        sum.put(key, sum(ox, oy));
      } else if (x == null) {
        sum.put(key, y);
      }
    }
    return sum;
  }
}
