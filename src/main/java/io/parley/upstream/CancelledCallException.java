package io.parley.upstream;

/** A provider call given up because its turn was cancelled (client gone, cancel, shutdown). */
public final class CancelledCallException extends RuntimeException {

  public CancelledCallException() {
    super("the turn was cancelled", null, false, false);
  }
}
