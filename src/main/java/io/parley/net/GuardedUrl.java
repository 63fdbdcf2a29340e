package io.parley.net;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A URL that passed {@link UrlGuard}: requests connect to the address that was checked, never to a fresh lookup
 * of the host (so DNS rebinding cannot move them), and still name the host in {@code Host} and TLS.
 *
 * @param uri the path and query
 */
public record GuardedUrl(boolean ssl, String host, int port, String uri, InetAddress address) {

  /** Request options that connect to the checked address and follow no redirect (each hop must be checked again). */
  public RequestOptions options(HttpMethod method) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(uri)
        .setFollowRedirects(false);
  }

  /** {@code scheme://host:port}, for resolving a relative redirect against. */
  public String origin() {
    String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (ssl ? "https://" : "http://") + name + ":" + port;
  }
}
