package io.parley.protocol;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Unguessable ids. A response id carries a 16-hex "chain tag" shared by every turn of its chain (the
 * root picks it at random, continuations inherit it), then 32 hex of fresh randomness: the tag lets a
 * store keep one chain's keys together (one Redis Cluster hash slot) without a lookup.
 */
public final class Ids {

  private static final SecureRandom RANDOM = drbg();
  /**
   * Each thread takes its random bytes from a pool of its own, refilled from the DRBG {@value #POOL_BYTES} bytes
   * at a time: a request makes three or four ids, and a call to a SecureRandom for each cost more than
   * the rest of making them (the default, NativePRNG, reads /dev/urandom every 32 bytes and mixes in SHA-1).
   */
  private static final int POOL_BYTES = 512;
  private static final ThreadLocal<RandomPool> POOLS = ThreadLocal.withInitial(RandomPool::new);
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

  /** A request id: {@code req_} and 32 hex; unique, though nothing depends on it being unguessable. */
  public static String newRequestId() {
    return "req_" + hex(16);
  }

  private static String hex(int bytes) {
    return POOLS.get().hex(bytes);
  }

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** One thread's unused random bytes; each byte is handed out once. */
  private static final class RandomPool {

    private final byte[] bytes = new byte[POOL_BYTES];
    private int next = POOL_BYTES;

    String hex(int count) {
      if (next + count > POOL_BYTES) {
        RANDOM.nextBytes(bytes);
        next = 0;
      }
      String hex = HEX.formatHex(bytes, next, next + count);
      next += count;
      return hex;
    }
  }
}
