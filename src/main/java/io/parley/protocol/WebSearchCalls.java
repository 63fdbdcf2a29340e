package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * The hosted {@code web_search} tool as Parley runs it: offered to the model as a {@code web_search(query)}
 * function, each call a {@code web_search_call} item. The item keeps the results the model was given (numbered
 * with the markers it cites them by) so later turns tell the model the same; a client sees them only when
 * {@code include} asks ({@code web_search_call.results}), and the sources likewise
 * ({@code web_search_call.action.sources}).
 */
public final class WebSearchCalls {

  /** The function the model calls. */
  public static final String FUNCTION = "web_search";

  /** The request tool types that ask for it. */
  public static final Set<String> TOOL_TYPES = Set.of("web_search", "web_search_preview", "web_search_2025_08_26",
      "web_search_preview_2025_03_11");

  static final String SOURCES = "web_search_call.action.sources";
  static final String RESULTS = "web_search_call.results";
  private static final String CITE = "Cite the results you use with their markers, like [1], or as markdown links to their URLs.";

  /**
   * One result the model was given.
   *
   * @param ref the number it is marked with ({@code [ref]}), unique within the response
   */
  public record Result(int ref, String url, String title, String content) {

    JsonObject toJson() {
      return new JsonObject().put("ref", ref).put("url", url).put("title", title).put("content", content);
    }

    static Result of(JsonObject json) {
      return new Result(json.getValue("ref") instanceof Number n ? n.intValue() : 0, string(json, "url"),
          string(json, "title"), string(json, "content"));
    }
  }

  private WebSearchCalls() {
  }

  /** The function offered to the model in place of the hosted tool. */
  public static JsonObject function() {
    return new JsonObject().put("type", "function").put("name", FUNCTION)
        .put("description", "Searches the web. Returns numbered results, each with its title, URL and content. "
            + CITE)
        .put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("query", new JsonObject().put("type", "string")
                .put("description", "What to search for.")))
            .put("required", new JsonArray().add("query"))
            .put("additionalProperties", false))
        .put("strict", null);
  }

  /** What the model's calls to {@link #FUNCTION} become. */
  public static final ServerTool TOOL = new ServerTool() {
    @Override
    public String idPrefix() {
      return "ws";
    }

    @Override
    public JsonObject item(String id, String arguments) {
      JsonObject action = new JsonObject().put("type", "search");
      String query = queryOf(arguments);
      if (query != null) {
        action.put("query", query);
      }
      return new JsonObject().put("type", "web_search_call").put("id", id).put("status", "in_progress")
          .put("action", action);
    }

    @Override
    public JsonObject announced(String id) {
      return item(id, null);
    }

    @Override
    public List<String> announcedEvents() {
      return List.of("response.web_search_call.in_progress");
    }
  };

  /** The query of a pending call, or {@code null} if the model gave none. */
  public static String query(JsonObject item) {
    return item.getValue("action") instanceof JsonObject action && action.getValue("query") instanceof String q ? q : null;
  }

  /** The finished call: its sources and the results the model is given. */
  public static JsonObject completed(JsonObject pending, List<Result> results) {
    JsonObject done = pending.copy().put("status", "completed");
    JsonArray sources = new JsonArray();
    JsonArray kept = new JsonArray();
    for (Result result : results) {
      if (result.url() != null && !result.url().isEmpty()) {
        sources.add(new JsonObject().put("type", "url").put("url", result.url()));
      }
      kept.add(result.toJson());
    }
    done.getJsonObject("action").put("sources", sources);
    return done.put("results", kept);
  }

  /** A call that found nothing because the search failed (the model is told so). */
  public static JsonObject failed(JsonObject pending) {
    return pending.copy().put("status", "failed");
  }

  /** The results a Parley-run call keeps, or {@code null} for a call that holds none (a provider's own, or resent without them). */
  static List<Result> results(JsonObject item) {
    if (!(item.getValue("results") instanceof JsonArray results)) {
      return null;
    }
    return results.stream().filter(JsonObject.class::isInstance).map(o -> Result.of((JsonObject) o)).toList();
  }

  static final ServerCalls.Kind CALLS = new ServerCalls.Kind() {
    @Override
    public String functionName(JsonObject item) {
      return FUNCTION;
    }

    @Override
    public String arguments(JsonObject item) {
      String query = query(item);
      return query == null ? "{}" : new JsonObject().put("query", query).encode();
    }

    @Override
    public String resultText(JsonObject item) {
      String query = query(item);
      String quoted = query == null ? "" : " for " + io.vertx.core.json.Json.encode(query);
      if ("failed".equals(item.getString("status"))) {
        return "Error: the web search" + quoted + " failed; no results.";
      }
      List<Result> results = results(item);
      if (results == null) {
        return "Web search" + quoted + " (its results are not available any more).";
      }
      if (results.isEmpty()) {
        return "No web results" + quoted + ".";
      }
      StringBuilder text = new StringBuilder("Web search results").append(quoted).append(":\n");
      for (Result result : results) {
        text.append("\n[").append(result.ref()).append("] ").append(nonNull(result.title())).append('\n');
        if (result.url() != null && !result.url().isEmpty()) {
          text.append(result.url()).append('\n');
        }
        if (result.content() != null && !result.content().isEmpty()) {
          text.append(result.content()).append('\n');
        }
      }
      return text.append('\n').append(CITE).toString();
    }

    @Override
    public JsonObject announced(JsonObject item) {
      return TOOL.announced(item.getString("id"));
    }

    @Override
    public List<String> announcedEvents() {
      return TOOL.announcedEvents();
    }

    @Override
    public String runningEvent() {
      return "response.web_search_call.searching";
    }

    @Override
    public String endedEvent(JsonObject finished) {
      return "completed".equals(finished.getString("status")) ? "response.web_search_call.completed" : null;
    }

    @Override
    public JsonObject present(JsonObject item, OutputView view) {
      boolean dropSources = !view.includes(SOURCES) && item.getValue("action") instanceof JsonObject action
          && action.containsKey("sources");
      boolean dropResults = !view.includes(RESULTS) && item.containsKey("results");
      if (!dropSources && !dropResults) {
        return item;
      }
      JsonObject shown = item.copy();
      if (dropSources) {
        shown.getJsonObject("action").remove("sources");
      }
      if (dropResults) {
        shown.remove("results");
      }
      return shown;
    }
  };

  private static String queryOf(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(arguments).getValue("query") instanceof String q ? q : null;
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }

  private static String string(JsonObject json, String key) {
    return json.getValue(key) instanceof String s ? s : null;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
