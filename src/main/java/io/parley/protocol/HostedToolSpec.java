package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * A hosted tool of a request ({@code web_search}, {@code web_search_preview}, {@code code_interpreter}) that
 * Parley runs on its operator's backend: validated here, with a 400 naming the field for what this gateway
 * cannot do (rather than quietly doing something else).
 */
public final class HostedToolSpec {

  public static final String WEB_SEARCH = "web_search";
  public static final String CODE_INTERPRETER = "code_interpreter";

  private HostedToolSpec() {
  }

  /** {@link #WEB_SEARCH} or {@link #CODE_INTERPRETER} for a request tool type that asks for one, else {@code null}. */
  public static String kind(Object type) {
    if (type instanceof String t && WebSearchCalls.TOOL_TYPES.contains(t)) {
      return WEB_SEARCH;
    }
    return CodeInterpreterCalls.TOOL_TYPE.equals(type) ? CODE_INTERPRETER : null;
  }

  /** The configuration key that gives a hosted tool its backend. */
  static String configKey(String kind) {
    return kind + "_backend";
  }

  /** The 400 for a hosted tool this gateway has no backend for, saying how an operator gives it one. */
  static ApiError noBackend(String kind, String type, String param) {
    String key = configKey(kind);
    String forms = kind.equals(WEB_SEARCH) ? "searxng:<url> or mcp:<server label>/<tool>" : "mcp:<server label>/<tool>";
    return ApiError.invalidValue(param + ".type", "Invalid value for '" + param + ".type': the hosted tool '" + type
        + "' needs a backend, and this gateway has none configured. Its operator sets PARLEY_"
        + key.toUpperCase(Locale.ROOT) + " (conf key '" + key + "') to " + forms + ".");
  }

  /** Validates one hosted tool Parley runs; returns it as the response echoes it. */
  static JsonObject parse(JsonObject tool, String param) {
    return WEB_SEARCH.equals(kind(tool.getValue("type"))) ? webSearch(tool, param) : codeInterpreter(tool, param);
  }

  /** The {@code search_context_size} of a web search tool ({@code medium} when unset). */
  public static String searchContextSize(JsonObject tool) {
    return tool.getValue("search_context_size") instanceof String size ? size : "medium";
  }

  /** The domains a web search tool's results must come from ({@code filters.allowed_domains}); empty: any. */
  public static JsonArray allowedDomains(JsonObject tool) {
    return tool.getValue("filters") instanceof JsonObject filters && filters.getValue("allowed_domains") instanceof JsonArray d
        ? d : new JsonArray();
  }

  /** The container a code interpreter tool names: its id, or {@code null} for {@code {"type": "auto"}}. */
  public static String containerId(JsonObject tool) {
    return tool.getValue("container") instanceof String id ? id : null;
  }

  private static JsonObject webSearch(JsonObject tool, String param) {
    Object size = tool.getValue("search_context_size");
    if (size != null && !(size instanceof String s && (s.equals("low") || s.equals("medium") || s.equals("high")))) {
      throw ApiError.invalidValue(param + ".search_context_size", "Invalid value for '" + param
          + ".search_context_size': expected 'low', 'medium' or 'high'.");
    }
    unsupported(tool, param, "user_location", "results are not localized by this gateway's search backend");
    if (Boolean.FALSE.equals(tool.getValue("external_web_access"))) {
      throw ApiError.invalidValue(param + ".external_web_access", "'" + param
          + ".external_web_access': false is not supported by this gateway: its searches are always live.");
    }
    Object types = tool.getValue("search_content_types");
    if (types != null && !(types instanceof JsonArray list && list.stream().allMatch("text"::equals))) {
      throw ApiError.invalidValue(param + ".search_content_types", "'" + param
          + ".search_content_types': only [\"text\"] is supported by this gateway.");
    }
    Object filters = tool.getValue("filters");
    if (filters instanceof JsonObject f) {
      for (String key : f.fieldNames()) {
        if (!key.equals("allowed_domains") && f.getValue(key) != null) {
          throw ApiError.invalidValue(param + ".filters." + key, "'" + param + ".filters." + key
              + "' is not supported by this gateway; 'allowed_domains' is.");
        }
      }
      Object domains = f.getValue("allowed_domains");
      if (domains != null && !(domains instanceof JsonArray list && list.stream().allMatch(String.class::isInstance))) {
        throw ApiError.invalidType(param + ".filters.allowed_domains", "an array of domain names", domains);
      }
    } else if (filters != null) {
      throw ApiError.invalidType(param + ".filters", "an object", filters);
    }
    return tool;
  }

  private static JsonObject codeInterpreter(JsonObject tool, String param) {
    Object container = tool.getValue("container");
    if (container == null) {
      throw ApiError.missing(param + ".container");
    }
    if (container instanceof String id) {
      if (id.isBlank()) {
        throw ApiError.invalidValue(param + ".container", "Invalid '" + param + ".container': must not be empty.");
      }
    } else if (container instanceof JsonObject auto) {
      if (!"auto".equals(auto.getValue("type"))) {
        throw ApiError.invalidValue(param + ".container.type", "Invalid value for '" + param
            + ".container.type': expected 'auto'.");
      }
      if (auto.getValue("file_ids") instanceof JsonArray files && !files.isEmpty()) {
        throw ApiError.invalidValue(param + ".container.file_ids", "'" + param
            + ".container.file_ids' is not supported by this gateway: its sandbox takes no uploaded files.");
      }
      unsupported(auto, param + ".container", "memory_limit", "the sandbox's limits are its operator's");
      unsupported(auto, param + ".container", "network_policy", "the sandbox's network access is its operator's");
    } else {
      throw ApiError.invalidType(param + ".container", "a container id or {\"type\": \"auto\"}", container);
    }
    unsupported(tool, param, "allowed_callers", "any caller may run it");
    return tool;
  }

  private static void unsupported(JsonObject tool, String param, String key, String why) {
    if (tool.getValue(key) != null) {
      throw ApiError.invalidValue(param + "." + key, "'" + param + "." + key + "' is not supported by this gateway ("
          + why + ").");
    }
  }
}
