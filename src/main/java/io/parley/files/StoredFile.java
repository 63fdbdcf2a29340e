package io.parley.files;

import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A stored file's metadata. Its id is {@code file-} and 32 hex digits: 12 of the creation time in milliseconds,
 * then 20 random, so ids sort in creation order (lists page by id) and cannot be guessed.
 *
 * @param contentType what the content is, sniffed from its bytes or named by its extension
 * @param createdAt   seconds since the epoch
 * @param expiresAt   seconds since the epoch; the file is gone from then on
 */
public record StoredFile(String id, String filename, String purpose, String contentType, long bytes, long createdAt,
    long expiresAt) {

  private static final Pattern ID = Pattern.compile("file-[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new file, created now, that lives for {@code ttl}. */
  public static StoredFile create(String filename, String purpose, String contentType, long bytes, Duration ttl) {
    long nowMillis = System.currentTimeMillis();
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    String id = "file-" + String.format("%012x", nowMillis) + HexFormat.of().formatHex(random);
    long createdAt = nowMillis / 1000;
    return new StoredFile(id, filename, purpose, contentType, bytes, createdAt, createdAt + ttl.toSeconds());
  }

  /**
   * Whether {@code id} has the shape of a file id: checked before an id goes into a store key or a path, so a
   * client's id can never name anything else.
   */
  public static boolean isFileId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The smallest id created at {@code epochMillis} or later: ids below it are older. */
  static String firstIdAt(long epochMillis) {
    return "file-" + String.format("%012x", Math.max(0, epochMillis));
  }

  public boolean expired(long nowSeconds) {
    return nowSeconds >= expiresAt;
  }

  /** Milliseconds until it expires (at least 1, so a store never writes a key without an expiry). */
  long millisLeft() {
    return Math.max(1, expiresAt * 1000 - System.currentTimeMillis());
  }

  /** The OpenAI file object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "file")
        .put("bytes", bytes)
        .put("created_at", createdAt)
        .put("expires_at", expiresAt)
        .put("filename", filename)
        .put("purpose", purpose)
        .put("status", "processed");
  }

  /** As stored: the file object with its content type. */
  JsonObject encode() {
    return toJson().put("content_type", contentType);
  }

  static StoredFile decode(JsonObject json) {
    return new StoredFile(json.getString("id"), json.getString("filename"), json.getString("purpose"),
        json.getString("content_type"), json.getLong("bytes"), json.getLong("created_at"), json.getLong("expires_at"));
  }
}
