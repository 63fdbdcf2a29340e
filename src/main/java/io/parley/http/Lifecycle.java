package io.parley.http;

/** Process-wide state shared by every event loop's gateway: whether Parley is draining for shutdown. */
public final class Lifecycle {

  private volatile boolean draining;

  /** From now on {@code /readyz} answers 503, so load balancers stop sending new requests. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
