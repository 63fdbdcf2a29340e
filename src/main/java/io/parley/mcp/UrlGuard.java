package io.parley.mcp;

import io.parley.net.RefusedUrlException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The shared {@link io.parley.net.UrlGuard} as the MCP client sees it: a checked URL is a {@link Target}, a
 * refusal an {@link McpException} of the same kind, worded for an MCP server.
 */
final class UrlGuard {

  private final io.parley.net.UrlGuard guard;

  UrlGuard(Vertx vertx, boolean allowPrivateNetworks) {
    this.guard = new io.parley.net.UrlGuard(vertx, allowPrivateNetworks);
  }

  Future<Target> check(String url) {
    return guard.check(url)
        .map(checked -> new Target(checked.ssl(), checked.host(), checked.port(), checked.uri(), checked.address()))
        .recover(err -> Future.failedFuture(err instanceof RefusedUrlException refused
            ? new McpException(refused.kind(), refused.getMessage().replaceFirst("^the ", "the MCP server "))
            : err));
  }
}
