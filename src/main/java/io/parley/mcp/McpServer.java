package io.parley.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A remote MCP server as a request names it.
 *
 * @param label   the {@code server_label}; what logs may name
 * @param url     the Streamable HTTP endpoint (or a legacy HTTP+SSE endpoint)
 * @param headers sent on every request, including {@code Authorization: Bearer <token>} built by the caller
 *                from {@code authorization}; secret, never logged
 */
public record McpServer(String label, String url, Map<String, String> headers) {

  public McpServer {
    Objects.requireNonNull(url, "url");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /**
   * The URL and a SHA-256 of the headers, names lower-cased and sorted: sessions and listings are shared only
   * between requests that present the same credentials to the same URL.
   */
  public String cacheKey() {
    Map<String, String> sorted = new TreeMap<>();
    headers.forEach((name, value) -> sorted.put(name.toLowerCase(Locale.ROOT), value));
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sorted.forEach((name, value) -> {
      sha256.update(name.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      sha256.update(value.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
    });
    return url + "#" + HexFormat.of().formatHex(sha256.digest());
  }

  /** Header names only: the values are credentials. */
  @Override
  public String toString() {
    return "McpServer[label=" + label + ", headers=" + new TreeMap<>(headers).keySet() + "]";
  }
}
