package io.parley.idempotency;

import io.parley.protocol.ApiError;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One request's {@code Idempotency-Key}: whose it is (keys are scoped by tenant), the key itself, and the
 * fingerprint of what was asked under it (SHA-256 of the route and the body's bytes as received), which
 * tells a retry from another request that reuses the key.
 */
public record IdempotencyKey(String tenant, String key, String fingerprint) {

  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_LENGTH = 255;

  /**
   * @param route the route template: one key used on two endpoints is two different requests
   * @param body  the request body as received ({@code null} for none)
   * @throws ApiError 400 when the key is empty, longer than {@link #MAX_LENGTH} or not visible ASCII
   */
  public static IdempotencyKey of(String tenant, String key, String route, Buffer body) {
    check(key);
    return new IdempotencyKey(tenant, key, fingerprint(route, body));
  }

  static void check(String key) {
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw invalid("must be 1 to " + MAX_LENGTH + " characters long, got " + key.length() + ".");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw invalid("may hold only visible ASCII characters (no spaces or control characters).");
      }
    }
  }

  static String fingerprint(String route, Buffer body) {
    MessageDigest sha = sha256();
    sha.update(route.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    if (body != null) {
      sha.update(body.getBytes());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The key as stored: its hash, so stored keys have one length and one alphabet whatever the client sent. */
  String hashed() {
    return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.US_ASCII)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static ApiError invalid(String why) {
    return ApiError.badRequest("invalid_idempotency_key", null, "Invalid '" + HEADER + "' header: it " + why);
  }

  /** Another request (another body, or another endpoint) already used the key. */
  public static ApiError reused() {
    return new ApiError(409, "invalid_request_error", "idempotency_key_reused", null, "This " + HEADER
        + " was already used for a different request (another body or endpoint). Use a new key for a new request.");
  }

  /** The first request with the key was still running when the wait for it ran out. */
  public static ApiError inUse() {
    return new ApiError(409, "invalid_request_error", "idempotency_key_in_use", null, "A request with this " + HEADER
        + " is still being processed. Retry later to get its result.");
  }

  /** The first request finished, but what it answered can no longer be replayed. */
  public static ApiError resultUnavailable(String id) {
    return new ApiError(409, "invalid_request_error", "idempotency_result_unavailable", null, "The request with this "
        + HEADER + " already completed as '" + id + "', but that result can no longer be replayed (it was deleted, "
        + "expired, or was a store:false response too large to keep). Use a new key to run the request again.");
  }
}
