package io.parley.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The function name under which an MCP server's tool is offered to the model: {@code <server_label>__<tool>}
 * when that is a valid Chat Completions function name ({@code [A-Za-z0-9_-]}, at most 64 characters) and
 * cannot be read two ways; otherwise a readable prefix and a hash of both names. A pure function of the
 * two names, so the calls a chain made are sent with the same names on every later turn (byte-stable
 * prefixes), and two different tools never share a name.
 */
public final class McpNames {

  private static final int MAX = 64;

  private McpNames() {
  }

  public static String function(String label, String tool) {
    String plain = label + "__" + tool;
    if (plain.length() <= MAX && !label.contains("__") && !label.endsWith("_") && tool.matches("[A-Za-z0-9_-]+")) {
      return plain;
    }
    String readable = (label.replace("__", "_") + "__" + tool).replaceAll("[^A-Za-z0-9_-]", "_");
    String hash = hash(label + '\u0000' + tool);
    return readable.substring(0, Math.min(readable.length(), MAX - hash.length() - 1)) + "_" + hash;
  }

  private static String hash(String both) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(both.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
