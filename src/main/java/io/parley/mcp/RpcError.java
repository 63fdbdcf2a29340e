package io.parley.mcp;

/** A JSON-RPC error answered to a request: for {@code tools/call} a result the model reads, else a failure. */
final class RpcError extends RuntimeException {

  private final int code;

  RpcError(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
