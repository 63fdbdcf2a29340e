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
 */
public record McpConfig(boolean allowPrivateNetworks, Map<String, Server> servers, List<String> allowedUrls,
    Duration callTimeout, int maxRounds, Duration turnTimeout, int parallelCalls) {

  /** A registered server: its URL and the headers Parley sends it (their values are secrets: never printed). */
  public record Server(String url, Map<String, String> headers) {

    @Override
    public String toString() {
      return "Server[url=" + url + ", headers=" + headers.keySet() + "]";
    }
  }

  public McpConfig {
    servers = Map.copyOf(servers);
    allowedUrls = List.copyOf(allowedUrls);
  }
}
