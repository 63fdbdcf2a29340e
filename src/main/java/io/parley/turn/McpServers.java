package io.parley.turn;

import io.parley.config.McpConfig;
import io.parley.protocol.ApiError;
import io.parley.protocol.McpToolSpec;

import java.util.List;
import java.util.Map;

/**
 * The operator's say over MCP servers: servers registered by label (a request names just the
 * {@code server_label}, and Parley adds the URL and the credentials it was configured with), and an
 * optional list of URL prefixes that client-given server URLs must start with.
 *
 * @param allowedUrlPrefixes empty: any URL (subject to the private-network rule); else one of these
 */
public record McpServers(Map<String, McpConfig.Server> registered, List<String> allowedUrlPrefixes) {

  public static final McpServers NONE = new McpServers(Map.of(), List.of());

  McpToolSpec resolve(String tenant, McpToolSpec spec) {
    McpConfig.Server registeredOne = registered.get(spec.label());
    McpConfig.Server known = registeredOne != null && registeredOne.openTo(tenant) ? registeredOne : null;
    if (spec.url() == null) {
      if (known == null) {
        throw ApiError.missing("tools.server_url");
      }
      return spec.at(known.url(), known.headers());
    }
    if (known != null && known.url().equals(spec.url())) {
      return spec.at(known.url(), known.headers());
    }
    if (!allowedUrlPrefixes.isEmpty() && allowedUrlPrefixes.stream().noneMatch(spec.url()::startsWith)) {
      throw ApiError.invalidValue("tools.server_url", "The MCP server URL of '" + spec.label()
          + "' is not among the servers this gateway allows.");
    }
    return spec;
  }
}
