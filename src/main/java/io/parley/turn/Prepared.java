package io.parley.turn;

import io.parley.protocol.ModelRequest;

/** A turn that passed every check before the provider: what it is, and the provider call it makes. */
public record Prepared(Turn turn, ModelRequest model) {
}
