package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code url_citation} annotations for the answers of a response that searched the web in Parley, read from
 * what the model actually wrote: a marker such as {@code [2]} (or {@code [1, 3]}) naming results it was given,
 * or a markdown link to a result's URL. Each annotation spans the marker or the link; indices count Unicode
 * code points, {@code end_index} exclusive. A message cites only the searches that came before it.
 */
final class Citations {

  private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]*)\\]\\((https?://[^\\s)]+)\\)");
  private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)\\](?!\\()");

  private Citations() {
  }

  /** Sets the annotations of every answer after a Parley-run search; an output without one is left alone. */
  static void annotate(JsonArray output) {
    Map<Integer, WebSearchCalls.Result> refs = new HashMap<>();
    boolean searched = false;
    for (Object o : output) {
      if (!(o instanceof JsonObject item)) {
        continue;
      }
      if ("web_search_call".equals(item.getValue("type"))) {
        List<WebSearchCalls.Result> results = WebSearchCalls.results(item);
        if (results != null) {
          searched = true;
          results.forEach(result -> refs.put(result.ref(), result));
        }
      } else if (searched && "message".equals(item.getValue("type")) && item.getValue("content") instanceof JsonArray parts) {
        for (Object p : parts) {
          if (p instanceof JsonObject part && "output_text".equals(part.getValue("type"))
              && part.getValue("text") instanceof String text) {
            part.put("annotations", find(text, refs));
          }
        }
      }
    }
  }

  /** The results of the Parley-run searches in {@code output}, by marker. */
  static Map<Integer, WebSearchCalls.Result> sources(JsonArray output) {
    Map<Integer, WebSearchCalls.Result> refs = new HashMap<>();
    for (Object o : output) {
      if (o instanceof JsonObject item && "web_search_call".equals(item.getValue("type"))) {
        List<WebSearchCalls.Result> results = WebSearchCalls.results(item);
        if (results != null) {
          results.forEach(result -> refs.put(result.ref(), result));
        }
      }
    }
    return refs;
  }

  /** The citations in {@code text} of the results {@code refs} holds, in the order they appear. */
  static JsonArray find(String text, Map<Integer, WebSearchCalls.Result> refs) {
    List<int[]> links = new ArrayList<>();
    List<JsonObject> found = new ArrayList<>();
    Map<String, WebSearchCalls.Result> byUrl = new HashMap<>();
    refs.values().stream().sorted(Comparator.comparingInt(WebSearchCalls.Result::ref))
        .filter(result -> result.url() != null)
        .forEach(result -> byUrl.putIfAbsent(normalized(result.url()), result));
    Matcher link = LINK.matcher(text);
    while (link.find()) {
      links.add(new int[] {link.start(), link.end()});
      WebSearchCalls.Result result = byUrl.get(normalized(link.group(2)));
      if (result != null) {
        found.add(citation(text, link.start(), link.end(), result));
      }
    }
    Matcher marker = MARKER.matcher(text);
    while (marker.find()) {
      int start = marker.start();
      if (links.stream().anyMatch(span -> start >= span[0] && start < span[1])) {
        continue;
      }
      for (String number : marker.group(1).split(",")) {
        WebSearchCalls.Result result = refs.get(Integer.parseInt(number.trim()));
        if (result != null && result.url() != null) {
          found.add(citation(text, start, marker.end(), result));
        }
      }
    }
    found.sort(Comparator.comparingInt(a -> a.getInteger("start_index")));
    return new JsonArray(new ArrayList<>(found));
  }

  private static JsonObject citation(String text, int start, int end, WebSearchCalls.Result result) {
    int from = text.codePointCount(0, start);
    return new JsonObject().put("type", "url_citation")
        .put("start_index", from)
        .put("end_index", from + text.codePointCount(start, end))
        .put("url", result.url())
        .put("title", result.title() != null && !result.title().isEmpty() ? result.title() : result.url());
  }

  /** URLs as the model may rewrite them: scheme and host in any case, with or without a trailing slash. */
  private static String normalized(String url) {
    String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    int path = trimmed.indexOf('/', trimmed.indexOf("://") + 3);
    return path < 0 ? trimmed.toLowerCase(Locale.ROOT)
        : trimmed.substring(0, path).toLowerCase(Locale.ROOT) + trimmed.substring(path);
  }
}
