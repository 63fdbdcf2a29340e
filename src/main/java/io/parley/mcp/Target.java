package io.parley.mcp;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * A URL that passed {@link UrlGuard}: requests connect to the address that was checked, never to a fresh lookup
 * of the host (so DNS rebinding cannot move them), and still name the host in {@code Host} and TLS.
 */
record Target(boolean ssl, String host, int port, String uri, InetAddress address) {

  RequestOptions options(HttpMethod method) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(uri)
        .setFollowRedirects(false);
  }

  /**
   * The legacy transport's message endpoint, as its {@code endpoint} event names it, relative to this URL. It must
   * stay on this origin: the server cannot send our credentials, or our requests, anywhere else.
   */
  Target endpoint(String reference) {
    URI base = URI.create((ssl ? "https://" : "http://") + authority() + uri);
    URI resolved;
    try {
      resolved = base.resolve(reference.trim());
    } catch (IllegalArgumentException e) {
      throw McpException.protocol(host, "the endpoint event is not a URL");
    }
    if (!Objects.equals(resolved.getScheme(), base.getScheme()) || !Objects.equals(resolved.getHost(), base.getHost())
        || resolved.getPort() != base.getPort()) {
      throw McpException.protocol(host, "the endpoint event names another origin");
    }
    String query = resolved.getRawQuery();
    String path = resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
    return new Target(ssl, host, port, query == null ? path : path + "?" + query, address);
  }

  private String authority() {
    String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return name + ":" + port;
  }
}
