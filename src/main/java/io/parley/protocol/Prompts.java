package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reusable prompts: templates the operator keeps (files in {@code conf/prompts/}), each with versions holding
 * {@code instructions} and optionally {@code input} items, with {@code {{variable}}} placeholders. A request's
 * {@code prompt} ({@code {"id", "version", "variables"}}) resolves before anything else: the template's
 * instructions come first (the request's own {@code instructions} follow them), its input items precede the
 * request's. A variable is a string, or a content part ({@code input_text}, {@code input_image},
 * {@code input_file}) that replaces a template text consisting of that placeholder alone.
 */
public final class Prompts {

  public static final Prompts NONE = new Prompts(Map.of());
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

  /** id → (version → {@code {"instructions", "input"}}), and the id's default version under {@code "latest"}. */
  private final Map<String, Map<String, JsonObject>> templates;

  public Prompts(Map<String, Map<String, JsonObject>> templates) {
    this.templates = Map.copyOf(templates);
  }

  public boolean isEmpty() {
    return templates.isEmpty();
  }

  /** Resolves {@code prompt} in place into {@code instructions} and {@code input}; the field stays, echoed in the response. */
  public JsonObject resolve(JsonObject body) {
    Object value = body.getValue("prompt");
    if (value == null) {
      return body;
    }
    if (!(value instanceof JsonObject prompt)) {
      throw ApiError.invalidType("prompt", "an object", value);
    }
    if (!(prompt.getValue("id") instanceof String id)) {
      throw prompt.getValue("id") == null ? ApiError.missing("prompt.id") : ApiError.invalidType("prompt.id", "a string", prompt.getValue("id"));
    }
    Map<String, JsonObject> versions = templates.get(id);
    if (versions == null) {
      throw ApiError.invalidValue("prompt.id", "No prompt with id '" + id + "'" + (templates.isEmpty()
          ? ": this gateway has no reusable prompts (put them in conf/prompts/, see PARLEY_PROMPTS_DIR)." : "."));
    }
    Object version = prompt.getValue("version");
    if (version != null && !(version instanceof String)) {
      throw ApiError.invalidType("prompt.version", "a string", version);
    }
    JsonObject template = versions.get(version == null ? "latest" : (String) version);
    if (template == null) {
      throw ApiError.invalidValue("prompt.version", "Prompt '" + id + "' has no version '" + version + "'.");
    }
    Object given = prompt.getValue("variables");
    if (given != null && !(given instanceof JsonObject)) {
      throw ApiError.invalidType("prompt.variables", "an object", given);
    }
    JsonObject variables = given == null ? new JsonObject() : (JsonObject) given;
    String instructions = template.getValue("instructions") instanceof String text ? fill(text, variables) : null;
    if (instructions != null) {
      String own = body.getValue("instructions") instanceof String s && !s.isEmpty() ? s : null;
      body.put("instructions", own == null ? instructions : instructions + "\n\n" + own);
    }
    if (template.getValue("input") instanceof JsonArray items && !items.isEmpty()) {
      JsonArray input = (JsonArray) fillAll(items.copy(), variables);
      Object own = body.getValue("input");
      if (own instanceof String text) {
        input.add(new JsonObject().put("role", "user").put("content", text));
      } else if (own instanceof JsonArray list) {
        input.addAll(list);
      }
      body.put("input", input);
    }
    return body;
  }

  /** Every string in the template with its placeholders filled; a string that is one placeholder of a part becomes the part. */
  private static Object fillAll(Object value, JsonObject variables) {
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, fillAll(array.getValue(i), variables));
      }
      return array;
    }
    if (value instanceof JsonObject object) {
      if ("input_text".equals(object.getValue("type")) && object.getValue("text") instanceof String text) {
        Matcher whole = PLACEHOLDER.matcher(text.trim());
        if (whole.matches() && variables.getValue(whole.group(1)) instanceof JsonObject part) {
          return part.copy();
        }
      }
      for (String key : object.fieldNames()) {
        object.put(key, fillAll(object.getValue(key), variables));
      }
      return object;
    }
    return value instanceof String text ? fill(text, variables) : value;
  }

  private static String fill(String text, JsonObject variables) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = variables.getValue(m.group(1));
      if (value == null) {
        throw ApiError.invalidValue("prompt.variables", "Missing prompt variable '" + m.group(1) + "'.");
      }
      String replacement = value instanceof JsonObject part && part.getValue("text") instanceof String t ? t
          : value instanceof String s ? s : null;
      if (replacement == null) {
        throw ApiError.invalidValue("prompt.variables." + m.group(1), "Prompt variable '" + m.group(1)
            + "' is used inside text, so it must be a string or an input_text part.");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
