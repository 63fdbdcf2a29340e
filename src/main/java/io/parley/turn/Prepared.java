package io.parley.turn;

import io.parley.protocol.ModelRequest;

/**
 * A turn that passed every check before the provider: what it is, the provider call it makes, and the tools
 * Parley runs in it (its MCP servers' tools already listed, its hosted tools on their backends).
 */
public record Prepared(Turn turn, ModelRequest model, TurnTools tools) {
}
