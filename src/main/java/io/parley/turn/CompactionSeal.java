package io.parley.turn;

import io.parley.protocol.ApiError;
import io.parley.protocol.Ids;
import io.parley.protocol.Compaction;
import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The {@code compaction} item's {@code encrypted_content}: the summary that replaces a compacted history,
 * sealed with AES-256-GCM under a configured key and bound to the tenant (as associated data), so it is
 * opaque to clients, tamper-evident, and useless to another tenant. Its form is
 * {@code pcmp1.<key id>.<base64url(nonce | ciphertext | tag)>}; every configured key opens, the first seals,
 * so keys can be rotated.
 */
public final class CompactionSeal {

  private static final String PREFIX = "pcmp1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String sealingId;
  private final Map<String, SecretKeySpec> keys;

  /** @param keys key id → 32-byte key, in order: the first seals */
  public CompactionSeal(Map<String, byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no compaction key");
    }
    this.sealingId = keys.keySet().iterator().next();
    java.util.LinkedHashMap<String, SecretKeySpec> specs = new java.util.LinkedHashMap<>();
    keys.forEach((id, key) -> specs.put(id, new SecretKeySpec(key, "AES")));
    this.keys = specs;
  }

  /** One random key, for a single process that has none configured. */
  public static CompactionSeal ephemeral() {
    return new CompactionSeal(Map.of("local", newKey()));
  }

  /** A fresh random 256-bit key. */
  public static byte[] newKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  /** The {@code compaction} item carrying {@code summary} for {@code tenant}, keeping no item before it. */
  public JsonObject seal(String tenant, String summary) {
    return seal(tenant, summary, 0);
  }

  /**
   * The {@code compaction} item carrying {@code summary} for {@code tenant}, as a client sees it.
   *
   * @param kept how many items just before the item stay verbatim after it is opened
   */
  public JsonObject seal(String tenant, String summary, int kept) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(sealingId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(tenant.getBytes(StandardCharsets.UTF_8));
      JsonObject content = new JsonObject().put("summary", summary);
      if (kept > 0) {
        content.put("kept", kept);
      }
      byte[] sealed = cipher.doFinal(content.toBuffer().getBytes());
      byte[] all = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, all, 0, nonce.length);
      System.arraycopy(sealed, 0, all, nonce.length, sealed.length);
      return new JsonObject().put("type", "compaction").put("id", Ids.newItemId("cmp"))
          .put("encrypted_content", PREFIX + sealingId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(all));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Whether the item claims to be sealed by a Parley (else it is a provider's own). */
  static boolean isSealedHere(JsonObject item) {
    return item.getValue("encrypted_content") instanceof String content && content.startsWith(PREFIX);
  }

  /**
   * The {@code compaction} item opened ({@link Compaction#opened}): what it seals read, its id kept (or made).
   *
   * @param param where the item is in the request, for the 400 of a tampered or foreign one
   */
  public JsonObject open(String tenant, JsonObject item, String param) {
    JsonObject content = content(tenant, item.getString("encrypted_content"));
    if (content == null || !(content.getValue("summary") instanceof String summary)) {
      throw ApiError.invalidValue(param + ".encrypted_content", "The compaction item's encrypted_content was not"
          + " made by this gateway for this project, or was altered.");
    }
    JsonObject sealed = new JsonObject().put("type", "compaction")
        .put("id", item.getValue("id") instanceof String id ? id : Ids.newItemId("cmp"))
        .put("encrypted_content", item.getString("encrypted_content"));
    return Compaction.opened(sealed, summary, content.getValue("kept") instanceof Number n ? n.intValue() : 0);
  }

  private JsonObject content(String tenant, String content) {
    if (content == null || !content.startsWith(PREFIX)) {
      return null;
    }
    int dot = content.indexOf('.', PREFIX.length());
    SecretKeySpec key = dot < 0 ? null : keys.get(content.substring(PREFIX.length(), dot));
    if (key == null) {
      return null;
    }
    try {
      byte[] all = Base64.getUrlDecoder().decode(content.substring(dot + 1));
      if (all.length <= NONCE_BYTES) {
        return null;
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(tenant.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException | io.vertx.core.json.DecodeException e) {
      return null;
    }
  }
}
