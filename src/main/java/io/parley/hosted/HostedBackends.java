package io.parley.hosted;

import io.parley.config.HostedToolsConfig;
import io.parley.mcp.McpClient;
import io.parley.mcp.McpOptions;
import io.parley.mcp.McpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backends the operator chose for hosted tools, with the clients that reach them: one set for the process,
 * shared by every event loop (every future completes on its caller's context), closed with it. The operator
 * configured these URLs, so unlike client-given MCP server URLs they may be on private networks: their MCP
 * client is a separate one that allows it.
 */
public final class HostedBackends {

  public static final HostedBackends NONE = new HostedBackends(null, null, HostedToolsConfig.ResultCounts.DEFAULT,
      Map.of(), List.of());

  private final WebSearchBackend webSearch;
  private final CodeRunner codeInterpreter;
  private final HostedToolsConfig.ResultCounts webSearchResults;
  private final Map<String, Set<String>> tenantsOf;
  private final List<java.util.function.Supplier<Future<Void>>> closers;

  private HostedBackends(WebSearchBackend webSearch, CodeRunner codeInterpreter,
      HostedToolsConfig.ResultCounts webSearchResults, Map<String, Set<String>> tenantsOf,
      List<java.util.function.Supplier<Future<Void>>> closers) {
    this.webSearch = webSearch;
    this.codeInterpreter = codeInterpreter;
    this.webSearchResults = webSearchResults;
    this.tenantsOf = tenantsOf;
    this.closers = closers;
  }

  /** @param mcpCallTimeout the longest a call to an MCP backend may take */
  public static HostedBackends create(Vertx vertx, HostedToolsConfig config, Duration mcpCallTimeout) {
    if (config.webSearch() == null && config.codeInterpreter() == null) {
      return NONE;
    }
    McpClient mcp = McpClient.create(vertx, McpOptions.defaults().withAllowPrivateNetworks(true));
    List<java.util.function.Supplier<Future<Void>>> closers = new ArrayList<>(List.of(mcp::close));
    Map<String, Set<String>> tenants = new HashMap<>();
    WebSearchBackend search = null;
    if (config.webSearch() instanceof HostedToolsConfig.Searxng s) {
      SearxngSearch searxng = new SearxngSearch(vertx, s.baseUrl(), config.webSearchTimeout());
      closers.add(searxng::close);
      search = searxng;
    } else if (config.webSearch() instanceof HostedToolsConfig.McpTool t) {
      search = new McpSearch(mcp, server(t), t.tool(), mcpCallTimeout);
      tenants.put("web_search", t.server().tenants());
    }
    CodeRunner code = null;
    if (config.codeInterpreter() != null) {
      code = new McpCodeRunner(mcp, server(config.codeInterpreter()), config.codeInterpreter().tool(), mcpCallTimeout);
      tenants.put("code_interpreter", config.codeInterpreter().server().tenants());
    }
    return new HostedBackends(search, code, config.webSearchResults(), Map.copyOf(tenants), List.copyOf(closers));
  }

  private static McpServer server(HostedToolsConfig.McpTool tool) {
    return new McpServer(tool.label(), tool.server().url(), tool.server().headers());
  }

  /** {@code null}: no backend. */
  public WebSearchBackend webSearch() {
    return webSearch;
  }

  /** {@code null}: no backend. */
  public CodeRunner codeInterpreter() {
    return codeInterpreter;
  }

  /** Results per search, by {@code search_context_size}. */
  public HostedToolsConfig.ResultCounts webSearchResults() {
    return webSearchResults;
  }

  /** The hosted tools that have a backend ({@code web_search}, {@code code_interpreter}). */
  public Set<String> kinds() {
    Set<String> kinds = new LinkedHashSet<>();
    if (webSearch != null) {
      kinds.add("web_search");
    }
    if (codeInterpreter != null) {
      kinds.add("code_interpreter");
    }
    return Set.copyOf(kinds);
  }

  /** Whether a tenant may use this hosted tool's backend (an MCP server registered for some tenants only). */
  public boolean openTo(String kind, String tenant) {
    Set<String> tenants = tenantsOf.getOrDefault(kind, Set.of());
    return tenants.isEmpty() || tenants.contains(tenant);
  }

  public Future<Void> close() {
    return Future.join(closers.stream().map(java.util.function.Supplier::get).toList()).mapEmpty();
  }
}
