package io.parley.turn;

/** How a turn's events reach its client, which decides how the provider is called and what the run holds. */
public enum Delivery {
  /** One JSON answer: a non-streaming provider call; the events are the terminal one alone. */
  JSON,
  /** A live stream (SSE or WebSocket): holds one of the tenant's stream slots while it runs. */
  STREAM,
  /** Detached from any client: holds a lease renewed while it runs, and watches the shared cancel flag. */
  BACKGROUND
}
