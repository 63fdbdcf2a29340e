package io.parley.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How Parley runs remote MCP tools.
 *
 * @param allowPrivateNetworks whether MCP server URLs may resolve to loopback, link-local or private addresses
 * @param servers              servers registered by label: a request may name just the {@code server_label}
 * @param allowedUrls          if not empty, the URL prefixes that client-given MCP server URLs must start with
 * @param callTimeout          the longest one tool call may take
 * @param maxRounds            the most provider calls one turn makes
 * @param turnTimeout          the longest a turn may spend in its tool loop
 * @param parallelCalls        how many calls of one round run at once
 * @param passthrough          with a Responses-API provider: pass {@code mcp} tools to it to run, instead of running them
 */
public record McpConfig(boolean allowPrivateNetworks, Map<String, Server> servers, List<String> allowedUrls,
    Duration callTimeout, int maxRounds, Duration turnTimeout, int parallelCalls, boolean passthrough) {

  /**
   * A registered server: its URL, the headers Parley sends it (their values are secrets: never printed), and
   * the tenants that may use it (empty: every tenant).
   */
  public record Server(String url, Map<String, String> headers, java.util.Set<String> tenants) {

    public boolean openTo(String tenant) {
      return tenants.isEmpty() || tenants.contains(tenant);
    }

    @Override
    public String toString() {
      return "Server[url=" + url + ", headers=" + headers.keySet() + ", tenants=" + tenants + "]";
    }
  }

  public McpConfig {
    servers = Map.copyOf(servers);
    allowedUrls = List.copyOf(allowedUrls);
  }
}
