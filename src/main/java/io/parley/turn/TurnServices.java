package io.parley.turn;

import io.parley.cache.ContextCache;
import io.parley.hosted.HostedBackends;
import io.parley.mcp.McpClient;

/**
 * What every event loop's turn engine shares.
 *
 * @param cache  the context cache; only the engines read and fill it
 * @param mcp    the MCP client
 * @param hosted the backends of hosted tools ({@code web_search}, {@code code_interpreter})
 * @param seal   seals and opens compaction items
 */
public record TurnServices(ContextCache cache, McpClient mcp, HostedBackends hosted, CompactionSeal seal) {
}
