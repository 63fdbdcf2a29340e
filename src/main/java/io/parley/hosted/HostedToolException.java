package io.parley.hosted;

/** A hosted tool's backend failed; the message names what went wrong, never credentials or URLs' secrets. */
public final class HostedToolException extends RuntimeException {

  public HostedToolException(String message) {
    super(message, null, false, false);
  }
}
