package io.parley.ops;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads YAML files of the repository as plain maps and lists, and walks into them by key. */
final class Yaml {

  private Yaml() {
  }

  static Map<String, Object> load(Path file) {
    return loadAll(read(file)).get(0);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> loadAll(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value at a path of keys (and list indexes), or {@code null} when any step is missing. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step instanceof Integer i && i < list.size()) {
        current = list.get(i);
      } else {
        return null;
      }
    }
    return (T) current;
  }
}
