package io.parley.turn;

import io.parley.protocol.ModelRequest;

/**
 * A turn that passed every check before the provider: what it is, the provider call it makes, and the MCP
 * servers it runs tools on (their tools already listed).
 */
public record Prepared(Turn turn, ModelRequest model, McpToolset tools) {
}
