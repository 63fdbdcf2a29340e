package io.parley.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Unguessable ids. A response id carries a 16-hex "chain tag" shared by every turn of its chain (the
 * root picks it at random, continuations inherit it), then 32 hex of fresh randomness: the tag lets a
 * store keep one chain's keys together (one Redis Cluster hash slot) without a lookup.
 */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  private static final int TAG_START = 5;
  private static final int TAG_END = 21;

  private Ids() {
  }

  public static String newResponseId(String parentId) {
    String tag = parentId != null && isResponseId(parentId) ? chainTag(parentId) : hex(8);
    return "resp_" + tag + hex(16);
  }

  public static String chainTag(String responseId) {
    return responseId.substring(TAG_START, TAG_END);
  }

  /**
   * Whether {@code id} has the shape of a response id ({@code resp_} and 48 lowercase hex). Checked for every
   * id of a chain on every continued turn before it goes into a store key, so it is a plain loop, not a regex.
   */
  public static boolean isResponseId(String id) {
    return hasShape(id, "resp_");
  }

  public static String newConversationId() {
    return "conv_" + hex(24);
  }

  public static boolean isConversationId(String id) {
    return hasShape(id, "conv_");
  }

  private static boolean hasShape(String id, String prefix) {
    if (id == null || id.length() != prefix.length() + 48 || !id.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  public static String newItemId(String prefix) {
    return prefix + "_" + hex(24);
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }
}
