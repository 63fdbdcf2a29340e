package io.parley.config;

import java.time.Duration;

/**
 * Hosted tools that Parley runs itself, on backends the operator chose: {@code web_search} on a SearXNG
 * instance or an MCP server's search tool, {@code code_interpreter} on an MCP server's code-running tool. A
 * hosted tool with no backend is refused (400) with a Chat Completions provider, and passed to a Responses-API
 * provider as it is.
 *
 * @param webSearch        {@code null}: none
 * @param webSearchResults how many results a search gives the model, per {@code search_context_size}
 * @param webSearchTimeout the longest a SearXNG search may take (MCP backends use {@code mcp_call_timeout})
 * @param codeInterpreter  {@code null}: none
 */
public record HostedToolsConfig(Backend webSearch, ResultCounts webSearchResults, Duration webSearchTimeout,
    McpTool codeInterpreter) {

  public static final HostedToolsConfig NONE = new HostedToolsConfig(null, ResultCounts.DEFAULT, Duration.ofSeconds(10),
      null);

  /** Where a hosted tool runs. */
  public sealed interface Backend permits Searxng, McpTool {
  }

  /** A SearXNG instance's JSON API: {@code GET <baseUrl>/search?q=...&format=json}. */
  public record Searxng(String baseUrl) implements Backend {
  }

  /**
   * A tool of an MCP server registered in {@code mcp_servers}, called with the server's registered headers.
   *
   * @param label the server's label in {@code mcp_servers}
   */
  public record McpTool(String label, McpConfig.Server server, String tool) implements Backend {

    /** The server's headers are secrets: named, never printed. */
    @Override
    public String toString() {
      return "McpTool[" + label + "/" + tool + "]";
    }
  }

  /** Results per search for each {@code search_context_size}. */
  public record ResultCounts(int low, int medium, int high) {

    public static final ResultCounts DEFAULT = new ResultCounts(3, 5, 10);

    /** The count for a {@code search_context_size} ({@code low}, {@code medium} or {@code high}; else medium). */
    public int forSize(String size) {
      return switch (String.valueOf(size)) {
        case "low" -> low;
        case "high" -> high;
        default -> medium;
      };
    }
  }
}
