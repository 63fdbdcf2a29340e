package io.parley.turn;

import io.parley.upstream.Forwarded;

/**
 * How one turn runs.
 *
 * @param forwarded  the client's request id and trace context, passed to the provider
 * @param startNanos when the client's request arrived (time to first token counts from it)
 * @param keepChain  whether the chain ending with the turn is wanted even when it is not stored (a WebSocket
 *                   continues {@code store:false} chains from its own memory)
 */
public record RunOptions(Delivery delivery, Forwarded forwarded, long startNanos, boolean keepChain) {

  public static RunOptions of(Delivery delivery, Forwarded forwarded, long startNanos) {
    return new RunOptions(delivery, forwarded, startNanos, false);
  }
}
