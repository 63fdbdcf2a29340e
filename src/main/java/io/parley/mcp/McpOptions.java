package io.parley.mcp;

import java.time.Duration;

/**
 * @param allowPrivateNetworks lets URLs reach loopback, link-local and private addresses (tests, trusted
 *                             deployments); off, such URLs are refused before connecting
 * @param listingTtl           how long a server's tool listing is reused, per {@link McpServer#cacheKey()}
 * @param sessionTtl           how long an MCP session is reused, per {@link McpServer#cacheKey()}
 * @param maxResponseBytes     a larger answer (one JSON body, one SSE stream, one legacy SSE event) is given up
 * @param maxListPages         {@code tools/list} pages followed before the listing is cut short
 * @param connectTimeout       to open the TCP (and TLS) connection; also bounds each {@code initialize} and
 *                             {@code tools/list} request, five times over
 */
public record McpOptions(boolean allowPrivateNetworks, Duration listingTtl, Duration sessionTtl, long maxResponseBytes,
    int maxListPages, Duration connectTimeout) {

  public static McpOptions defaults() {
    return new McpOptions(false, Duration.ofMinutes(5), Duration.ofMinutes(10), 4L * 1024 * 1024, 20,
        Duration.ofSeconds(10));
  }

  public McpOptions withAllowPrivateNetworks(boolean allow) {
    return new McpOptions(allow, listingTtl, sessionTtl, maxResponseBytes, maxListPages, connectTimeout);
  }

  /** How long one {@code initialize} or {@code tools/list} exchange may take. */
  Duration setupTimeout() {
    return connectTimeout.multipliedBy(5);
  }
}
