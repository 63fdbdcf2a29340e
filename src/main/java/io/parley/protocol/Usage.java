package io.parley.protocol;

import io.vertx.core.json.JsonObject;

/** Responses {@code usage} objects added up, for a response made of several provider calls. */
public final class Usage {

  private Usage() {
  }

  /**
   * {@code a + b}, field by field (nested details too); either may be {@code null}, and then the other is
   * returned as it is (a turn with one provider call, the usual case, copies nothing).
   */
  public static JsonObject sum(JsonObject a, JsonObject b) {
    if (a == null || b == null) {
      return a == null ? b : a;
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

  /** A token count as a provider reported it: absent, {@code null} (vLLM sends null details) or not a number reads as {@code fallback}. */
  public static long count(JsonObject json, String key, long fallback) {
    return json.getValue(key) instanceof Number n ? n.longValue() : fallback;
  }
}
