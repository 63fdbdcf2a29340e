package io.parley.config;

import io.parley.protocol.Prompts;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the reusable prompts once at start-up: each {@code *.json} file of the directory is one prompt,
 * {@code {"id": "pmpt_...", "versions": {"1": {"instructions": "...", "input": [...]}, ...},
 * "default_version": "1"}} (without {@code default_version}, the highest version is the default). A file that
 * does not parse stops start-up with its name.
 */
final class PromptsLoader {

  private PromptsLoader() {
  }

  static Prompts load(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Prompts.NONE;
    }
    Map<String, Map<String, JsonObject>> all = new HashMap<>();
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException("prompts_dir: cannot list " + dir + ": " + e.getMessage());
    }
    for (Path file : files) {
      JsonObject prompt = read(file);
      if (!(prompt.getValue("id") instanceof String id) || !(prompt.getValue("versions") instanceof JsonObject versions)
          || versions.isEmpty()) {
        throw new ConfigException("prompts_dir: " + file + " needs an \"id\" and a non-empty \"versions\" object");
      }
      Map<String, JsonObject> byVersion = new LinkedHashMap<>();
      for (String version : versions.fieldNames()) {
        if (!(versions.getValue(version) instanceof JsonObject template)) {
          throw new ConfigException("prompts_dir: " + file + ": version " + version + " must be an object");
        }
        byVersion.put(version, template);
      }
      String latest = prompt.getValue("default_version") instanceof String v ? v
          : byVersion.keySet().stream().max(Comparator.comparing(PromptsLoader::numeric).thenComparing(s -> s)).orElseThrow();
      if (!byVersion.containsKey(latest)) {
        throw new ConfigException("prompts_dir: " + file + ": default_version " + latest + " is not one of its versions");
      }
      byVersion.put("latest", byVersion.get(latest));
      if (all.put(id, byVersion) != null) {
        throw new ConfigException("prompts_dir: two files define prompt " + id);
      }
    }
    return new Prompts(all);
  }

  private static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException | DecodeException e) {
      throw new ConfigException("prompts_dir: cannot read " + file + ": " + e.getMessage());
    }
  }

  private static long numeric(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
