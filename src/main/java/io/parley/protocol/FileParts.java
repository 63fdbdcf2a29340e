package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Content parts that name a stored file ({@code input_file} or {@code input_image} with a {@code file_id}): finding
 * them in items, and putting the file itself in their place for a provider call. A stored turn keeps the id; the
 * provider is sent the file, rebuilt from the store on each turn, byte for byte the same every time (the same
 * data URL, or the same extracted text), so its prompt prefix stays cacheable. Pure: items are copied, never changed.
 */
public final class FileParts {

  /** The header of a document sent as its text: {@code [file: name.pdf]} then a newline. */
  static final String TEXT_HEADER = "[file: %s]\n";
  /** The fields of an item that hold parts: a message's {@code content}, a tool output's {@code output}. */
  private static final List<String> PART_LISTS = List.of("content", "output");

  /**
   * A stored file as a model is sent it.
   *
   * @param dataUrl its bytes as a {@code data:} URL ({@code null} when it is sent as text)
   * @param text    its extracted text ({@code null} when it is sent as itself)
   */
  public record Content(String filename, String contentType, String dataUrl, String text) {

    public boolean image() {
      return contentType.startsWith("image/");
    }
  }

  /**
   * A part naming a file.
   *
   * @param param where it is, as an error names it ({@code input[0].content[1].file_id})
   * @param image whether it is an {@code input_image} part (the file must be an image)
   */
  public record Reference(String fileId, String param, boolean image) {
  }

  /**
   * A part naming a file or image by an http(s) URL that no stored file stands for yet.
   *
   * @param part  the part itself, which is given the {@code file_id} of the file stored from the URL
   * @param param where the URL is ({@code input[0].content[1].file_url})
   */
  public record UrlReference(JsonObject part, String url, String param) {
  }

  private FileParts() {
  }

  /** The parts of {@code items} that name an http(s) URL and no file yet. */
  public static List<UrlReference> urls(JsonArray items, String param) {
    List<UrlReference> found = List.of();
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      for (String key : PART_LISTS) {
        if (item.getValue(key) instanceof JsonArray parts) {
          for (int j = 0; j < parts.size(); j++) {
            if (parts.getValue(j) instanceof JsonObject part && part.getValue("file_id") == null) {
              String type = part.getString("type");
              String field = "input_file".equals(type) && part.getValue("file_data") == null ? "file_url"
                  : "input_image".equals(type) ? "image_url" : null;
              if (field != null && isHttp(part.getValue(field))) {
                // Named only when found: this walk runs on every request, and almost none has a URL.
                found = found.isEmpty() ? new ArrayList<>() : found;
                found.add(new UrlReference(part, part.getString(field),
                    param + "[" + i + "]." + key + "[" + j + "]." + field));
              }
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * A document given inline ({@code file_data}, a data URL or bare base64) by an {@code input_file} part that
   * names no file.
   *
   * @param contentType the data URL's media type, or {@code null}
   * @param base64      the data itself
   */
  public record InlineFile(JsonObject part, String data, String filename, String contentType, String base64, String param) {
  }

  /** The inline documents of {@code items}' parts (not images: a model reads those itself). */
  public static List<InlineFile> inlineFiles(JsonArray items) {
    List<InlineFile> found = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getValue("content") instanceof JsonArray parts) {
        for (int j = 0; j < parts.size(); j++) {
          if (parts.getValue(j) instanceof JsonObject part && "input_file".equals(part.getValue("type"))
              && part.getValue("file_id") == null && part.getValue("file_data") instanceof String data) {
            String type = null;
            String base64 = data;
            if (data.startsWith("data:")) {
              int comma = data.indexOf(',');
              String head = comma < 0 ? "" : data.substring(5, comma);
              if (!head.endsWith(";base64")) {
                continue; // not base64: left as it is
              }
              type = head.substring(0, head.length() - 7);
              base64 = data.substring(comma + 1);
            }
            if (type == null || !type.startsWith("image/")) {
              found.add(new InlineFile(part, data, part.getString("filename"), type == null || type.isEmpty() ? null : type,
                  base64, "input[" + i + "].content[" + j + "].file_data"));
            }
          }
        }
      }
    }
    return found;
  }

  private static boolean isHttp(Object url) {
    return url instanceof String s && (s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8));
  }

  /** The file parts of {@code items}, in order; {@code param} is the items' own name ({@code input}). */
  public static List<Reference> references(JsonArray items, String param) {
    List<Reference> found = new ArrayList<>(0);
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      if (item.getValue("content") instanceof JsonArray parts) {
        collect(parts, param, i, "content", found);
      } else if (item.getValue("output") instanceof JsonArray parts) {
        collect(parts, param, i, "output", found);
      }
    }
    return found;
  }

  /** The ids of the files {@code items} name. */
  public static java.util.Set<String> ids(JsonArray items) {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    references(items, "").forEach(reference -> ids.add(reference.fileId()));
    return ids;
  }

  /** {@link #references} of several lists (a history), each named {@code param}. */
  public static List<Reference> references(List<JsonArray> lists, String param) {
    List<Reference> found = new ArrayList<>();
    for (JsonArray items : lists) {
      found.addAll(references(items, param));
    }
    return found;
  }

  /** The parts of {@code param[i].key} that name a file; the param is spelled out only for those. */
  private static void collect(JsonArray parts, String param, int i, String key, List<Reference> found) {
    for (int j = 0; j < parts.size(); j++) {
      if (parts.getValue(j) instanceof JsonObject part && part.getValue("file_id") instanceof String id) {
        found.add(new Reference(id, param + "[" + i + "]." + key + "[" + j + "].file_id",
            "input_image".equals(part.getString("type"))));
      }
    }
  }

  /**
   * {@code items} with each file part replaced by its file from {@code files} (which holds every id they name);
   * the same array when none names a file.
   */
  public static JsonArray resolve(JsonArray items, Map<String, Content> files) {
    JsonArray resolved = null;
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      JsonObject replaced = resolve(item, files);
      if (replaced != item && resolved == null) {
        resolved = new JsonArray(new ArrayList<>(items.getList()));
      }
      if (resolved != null) {
        resolved.set(i, replaced);
      }
    }
    return resolved != null ? resolved : items;
  }

  private static JsonObject resolve(JsonObject item, Map<String, Content> files) {
    for (String key : List.of("content", "output")) {
      if (item.getValue(key) instanceof JsonArray parts) {
        JsonArray replaced = resolveParts(parts, files);
        return replaced == parts ? item : item.copy().put(key, replaced);
      }
    }
    return item;
  }

  private static JsonArray resolveParts(JsonArray parts, Map<String, Content> files) {
    JsonArray resolved = null;
    for (int j = 0; j < parts.size(); j++) {
      if (parts.getValue(j) instanceof JsonObject part && part.getValue("file_id") instanceof String id) {
        if (resolved == null) {
          resolved = new JsonArray(new ArrayList<>(parts.getList()));
        }
        Content file = files.get(id);
        if (file == null) {
          throw new IllegalStateException("file " + id + " was not loaded before the call was built");
        }
        resolved.set(j, part(part, file));
      }
    }
    return resolved != null ? resolved : parts;
  }

  /** The part as the model is sent it: an image, the document's text, or the document itself. */
  static JsonObject part(JsonObject reference, Content file) {
    if (file.image()) {
      String detail = reference.getString("detail");
      return new JsonObject().put("type", "input_image").put("image_url", file.dataUrl())
          .put("detail", detail != null ? detail : "auto");
    }
    if (file.text() != null) {
      return InputItems.textPart("input_text", TEXT_HEADER.formatted(file.filename()) + file.text());
    }
    return new JsonObject().put("type", "input_file").put("filename", file.filename()).put("file_data", file.dataUrl());
  }
}
