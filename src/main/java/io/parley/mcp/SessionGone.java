package io.parley.mcp;

/**
 * The server no longer knows the session (a {@code 404} on a request that carried it, or a legacy event stream
 * that closed): the caller initializes a new one and retries once; a second time, {@link #failure()} stands.
 */
final class SessionGone extends RuntimeException {

  private final McpException failure;

  SessionGone(McpException failure) {
    super(failure.getMessage(), null, false, false);
    this.failure = failure;
  }

  McpException failure() {
    return failure;
  }
}
