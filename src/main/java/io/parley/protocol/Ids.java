package io.parley.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Unguessable ids. A response id carries a 16-hex "chain tag" shared by every turn of its chain (the
 * root picks it at random, continuations inherit it), then 32 hex of fresh randomness: the tag lets a
 * store keep one chain's keys together (one Redis Cluster hash slot) without a lookup.
 */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern RESPONSE_ID = Pattern.compile("resp_[0-9a-f]{48}");
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

  public static boolean isResponseId(String id) {
    return id != null && RESPONSE_ID.matcher(id).matches();
  }

  private static final Pattern CONVERSATION_ID = Pattern.compile("conv_[0-9a-f]{48}");

  public static String newConversationId() {
    return "conv_" + hex(24);
  }

  public static boolean isConversationId(String id) {
    return id != null && CONVERSATION_ID.matcher(id).matches();
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
