package io.parley.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decides whether a URL Parley is asked to fetch (an MCP server, a file or image a client names by URL) may be
 * fetched, before anything connects: http or https only, and unless private networks are allowed, no address of
 * the host may be loopback, link-local (cloud metadata), private (10/8, 172.16/12, 192.168/16, 100.64/10,
 * fc00::/7, fec0::/10), any-local, multicast or reserved. The host is looked up on a worker thread: the JDK
 * resolver blocks, and it is the one that honours /etc/hosts as the connection would.
 */
public final class UrlGuard {

  private final Vertx vertx;
  private final boolean allowPrivateNetworks;

  public UrlGuard(Vertx vertx, boolean allowPrivateNetworks) {
    this.vertx = vertx;
    this.allowPrivateNetworks = allowPrivateNetworks;
  }

  /** The URL's checked address, or a failed {@link RefusedUrlException} (its message names the host, never the path). */
  public Future<GuardedUrl> check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Future.failedFuture(new RefusedUrlException("refused_url", "the URL is not a valid URL"));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (!scheme.equals("http") && !scheme.equals("https") || host == null || host.isEmpty()) {
      return Future.failedFuture(new RefusedUrlException("refused_url", "the URL must be an http or https URL"));
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return vertx.executeBlocking(() -> InetAddress.getAllByName(bare), false)
        .recover(err -> Future.failedFuture(err instanceof UnknownHostException
            ? new RefusedUrlException("unreachable", "the host " + bare + " does not resolve")
            : err))
        .compose(addresses -> {
          if (!allowPrivateNetworks && Arrays.stream(addresses).anyMatch(UrlGuard::isPrivate)) {
            return Future.failedFuture(new RefusedUrlException("refused_url",
                "the host " + bare + " is on a private, local or reserved network"));
          }
          return Future.succeededFuture(new GuardedUrl(ssl, bare, port, target, addresses[0]));
        });
  }

  public static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 || first >= 240 || first == 100 && (second & 0xc0) == 64;
    }
    if (address instanceof Inet6Address) {
      if ((bytes[0] & 0xfe) == 0xfc) {
        return true;
      }
      InetAddress embedded = embeddedIpv4((Inet6Address) address, bytes);
      return embedded != null && isPrivate(embedded);
    }
    return true;
  }

  /** The IPv4 address inside an IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
  private static InetAddress embeddedIpv4(Inet6Address address, byte[] bytes) {
    int from;
    if (address.isIPv4CompatibleAddress() || isNat64(bytes)) {
      from = 12;
    } else if ((bytes[0] & 0xff) == 0x20 && (bytes[1] & 0xff) == 0x02) {
      from = 2;
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(bytes, from, from + 4));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isNat64(byte[] bytes) {
    if ((bytes[0] & 0xff) != 0x00 || (bytes[1] & 0xff) != 0x64 || (bytes[2] & 0xff) != 0xff
        || (bytes[3] & 0xff) != 0x9b) {
      return false;
    }
    for (int i = 4; i < 12; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
