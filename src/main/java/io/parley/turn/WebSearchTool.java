package io.parley.turn;

import io.parley.hosted.SearchResult;
import io.parley.hosted.WebSearchBackend;
import io.parley.protocol.ServerTool;
import io.parley.protocol.WebSearchCalls;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A turn's hosted {@code web_search}, run on the operator's search backend. Its results are numbered across the
 * turn (each call takes the next {@code count} markers), so the markers the model cites name one result each.
 */
final class WebSearchTool implements ServerSideTools {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSearchTool.class);

  private final WebSearchBackend backend;
  private final int count;
  private final List<String> allowedDomains;
  private int nextRef = 1;

  /**
   * @param count          results given to the model per search
   * @param allowedDomains results must come from these domains or their subdomains; empty: any
   */
  WebSearchTool(WebSearchBackend backend, int count, List<String> allowedDomains) {
    this.backend = backend;
    this.count = count;
    this.allowedDomains = allowedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")).toList();
  }

  @Override
  public Set<String> replaces() {
    return WebSearchCalls.TOOL_TYPES;
  }

  @Override
  public JsonArray functions() {
    return new JsonArray().add(WebSearchCalls.function());
  }

  @Override
  public Map<String, ServerTool> targets() {
    return Map.of(WebSearchCalls.FUNCTION, WebSearchCalls.TOOL);
  }

  @Override
  public boolean runs(JsonObject pending) {
    return "web_search_call".equals(pending.getString("type"));
  }

  @Override
  public Future<JsonObject> run(JsonObject pending, Cancellation cancel) {
    String query = WebSearchCalls.query(pending);
    if (query == null || query.isBlank()) {
      return Future.succeededFuture(WebSearchCalls.failed(pending));
    }
    int firstRef = nextRef;
    nextRef += count;
    return backend.search(query, cancel)
        .map(found -> WebSearchCalls.completed(pending, numbered(found, firstRef)))
        .otherwise(err -> {
          // Why, for the operator; never the query (the client's words).
          LOG.atInfo().setMessage("web search failed").addKeyValue("reason", err.getMessage()).log();
          return WebSearchCalls.failed(pending);
        });
  }

  private List<WebSearchCalls.Result> numbered(List<SearchResult> found, int firstRef) {
    List<WebSearchCalls.Result> results = new ArrayList<>(count);
    for (SearchResult result : found) {
      if (results.size() == count) {
        break;
      }
      if (allowed(result.url())) {
        results.add(new WebSearchCalls.Result(firstRef + results.size(), result.url(), result.title(),
            shortened(result.content())));
      }
    }
    return results;
  }

  private boolean allowed(String url) {
    if (allowedDomains.isEmpty()) {
      return true;
    }
    String host;
    try {
      host = url == null ? null : URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      host = null;
    }
    if (host == null) {
      return false;
    }
    String lower = host.toLowerCase(Locale.ROOT);
    return allowedDomains.stream().anyMatch(domain -> lower.equals(domain) || lower.endsWith("." + domain));
  }

  /** A page's text can be long: the model gets the first part of each result's content. */
  private static String shortened(String content) {
    int max = 2_000;
    return content == null || content.length() <= max ? content : content.substring(0, max) + "…";
  }
}
