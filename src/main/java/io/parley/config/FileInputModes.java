package io.parley.config;

import java.util.Map;

/**
 * How a model is sent documents ({@code input_file}): {@code native} as Chat Completions {@code file} parts, or
 * {@code text} as the text Parley extracts from them, for models that cannot read files. An exact model name,
 * else the longest configured prefix of it, else the default. Images are sent as images either way.
 */
public record FileInputModes(boolean textByDefault, Map<String, Boolean> textByModel) {

  public static final FileInputModes NATIVE = new FileInputModes(false, Map.of());

  public FileInputModes {
    textByModel = Map.copyOf(textByModel);
  }

  /** Whether {@code model} is sent the extracted text of documents instead of the documents. */
  public boolean text(String model) {
    Boolean exact = textByModel.get(model);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String prefix : textByModel.keySet()) {
      if (model.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best != null ? textByModel.get(best) : textByDefault;
  }
}
