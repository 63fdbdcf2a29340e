package io.parley.upstream;

/** What a routed provider call produced, and where it went. */
public record Routed<T>(T value, Placement placement) {
}
