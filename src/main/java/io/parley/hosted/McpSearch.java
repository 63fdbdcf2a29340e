package io.parley.hosted;

import io.parley.mcp.McpClient;
import io.parley.mcp.McpException;
import io.parley.mcp.McpServer;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Web search on an MCP server's search tool, called with {@code {"query": ...}}. Its text is read as JSON results
 * when it is JSON (a list, or an object with {@code results}, of {@code url}/{@code link}, {@code title} and
 * {@code content}/{@code snippet}/{@code description}); else as blocks of {@code Title:}/{@code URL:} lines
 * separated by blank lines; else as one result without a URL (the model reads it, nothing can be cited).
 */
final class McpSearch implements WebSearchBackend {

  private final McpClient client;
  private final McpServer server;
  private final String tool;
  private final Duration timeout;

  McpSearch(McpClient client, McpServer server, String tool, Duration timeout) {
    this.client = client;
    this.server = server;
    this.tool = tool;
    this.timeout = timeout;
  }

  @Override
  public Future<List<SearchResult>> search(String query, Cancellation cancel) {
    return client.callTool(server, tool, new JsonObject().put("query", query), timeout, cancel)
        .recover(err -> Future.failedFuture(new HostedToolException(err instanceof McpException e ? e.getMessage()
            : "the search tool of MCP server '" + server.label() + "' failed")))
        .map(result -> {
          if (result.isError()) {
            throw new HostedToolException("the search tool '" + tool + "' of MCP server '" + server.label()
                + "' failed: " + result.text());
          }
          return parse(result.text());
        });
  }

  static List<SearchResult> parse(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      try {
        Object json = io.vertx.core.json.Json.decodeValue(trimmed);
        JsonArray list = json instanceof JsonArray a ? a
            : json instanceof JsonObject o && o.getValue("results") instanceof JsonArray r ? r : null;
        if (list != null) {
          return fromJson(list);
        }
      } catch (RuntimeException notJson) {
        // read as text below
      }
    }
    List<SearchResult> blocks = fromBlocks(trimmed);
    return !blocks.isEmpty() ? blocks : trimmed.isEmpty() ? List.of() : List.of(new SearchResult(null, "", trimmed));
  }

  private static List<SearchResult> fromJson(JsonArray list) {
    List<SearchResult> results = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof JsonObject r) {
        String url = first(r, "url", "link", "href");
        results.add(new SearchResult(url, nonNull(first(r, "title", "name")), nonNull(first(r, "content", "snippet",
            "description", "text"))));
      }
    }
    return results;
  }

  /** Blocks like {@code Title: ...\nURL: ...\nDescription: ...}, separated by blank lines; those without a URL are dropped. */
  private static List<SearchResult> fromBlocks(String text) {
    List<SearchResult> results = new ArrayList<>();
    for (String block : text.split("\\n\\s*\\n")) {
      String url = null;
      String title = "";
      StringBuilder content = new StringBuilder();
      for (String line : block.split("\\n")) {
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("url:") || lower.startsWith("link:")) {
          url = line.substring(line.indexOf(':') + 1).trim();
        } else if (lower.startsWith("title:")) {
          title = line.substring(line.indexOf(':') + 1).trim();
        } else {
          String body = lower.startsWith("description:") || lower.startsWith("content:") || lower.startsWith("snippet:")
              ? line.substring(line.indexOf(':') + 1).trim() : line.trim();
          if (!body.isEmpty()) {
            content.append(content.isEmpty() ? "" : "\n").append(body);
          }
        }
      }
      if (url != null && url.matches("https?://\\S+")) {
        results.add(new SearchResult(url, title, content.toString()));
      }
    }
    return results;
  }

  private static String first(JsonObject json, String... keys) {
    for (String key : keys) {
      if (json.getValue(key) instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
