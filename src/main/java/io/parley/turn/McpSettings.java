package io.parley.turn;

import io.parley.config.McpConfig;

import java.time.Duration;

/**
 * How Parley runs MCP tools in a turn.
 *
 * @param callTimeout   the longest one {@code tools/call} may take
 * @param maxRounds     the most provider calls one turn makes
 * @param turnTimeout   the longest a turn may spend in its tool loop before it ends {@code incomplete}
 * @param parallelCalls how many calls of one round run at once
 */
public record McpSettings(McpServers servers, Duration callTimeout, int maxRounds, Duration turnTimeout,
    int parallelCalls) {

  public static McpSettings of(McpConfig config) {
    return new McpSettings(new McpServers(config.servers(), config.allowedUrls()), config.callTimeout(),
        config.maxRounds(), config.turnTimeout(), config.parallelCalls());
  }
}
