package io.parley.turn;

import io.parley.config.FilesConfig;
import io.parley.config.ParleyConfig;
import io.parley.protocol.ContextWindows;
import io.parley.protocol.Prompts;

import java.time.Duration;

/**
 * What the configuration tells the turn engine.
 *
 * @param chainCheckConcurrent whether a cached chain is checked against the store while the provider is called
 *                             (else before the call)
 * @param windows              the models' context windows
 * @param lease                a background turn's lease, renewed while it runs
 * @param mcp                  the MCP tool loop's settings and servers
 * @param storeRetryBudget     how long a finished turn's write is retried while the store is unavailable
 * @param files                which models are sent documents as text, the size limit and TTL of files downloaded from URLs
 * @param fetchPrivateNetworks whether file and image URLs may resolve to private addresses (as MCP URLs)
 * @param prompts              the reusable prompts
 */
public record TurnSettings(boolean chainCheckConcurrent, ContextWindows windows, Duration lease, McpSettings mcp,
    Duration storeRetryBudget, FilesConfig files, boolean fetchPrivateNetworks, Prompts prompts) {

  public static TurnSettings of(ParleyConfig config) {
    return new TurnSettings(config.chainCheckConcurrent(), config.contextWindows(), config.backgroundLease(),
        McpSettings.of(config.mcp()), config.resilience().storeRetryBudget(), config.files(),
        config.mcp().allowPrivateNetworks(), config.prompts());
  }
}
