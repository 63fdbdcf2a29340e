package io.parley.protocol;

import java.util.Map;

/**
 * Context windows per model, from configuration: an exact model name, else the longest configured
 * prefix of it (so {@code gpt-4o} covers {@code gpt-4o-2024-08-06}), else the default; 0 means unknown
 * (no check).
 */
public record ContextWindows(Map<String, Integer> byModel, int fallback) {

  public static final ContextWindows NONE = new ContextWindows(Map.of(), 0);

  public ContextWindows {
    byModel = Map.copyOf(byModel);
  }

  public int windowFor(String model) {
    Integer exact = byModel.get(model);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String prefix : byModel.keySet()) {
      if (model.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best != null ? byModel.get(best) : fallback;
  }
}
