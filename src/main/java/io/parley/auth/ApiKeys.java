package io.parley.auth;

import io.parley.limit.Limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Client API keys, held only as SHA-256 hashes, each mapped to a tenant. With no keys configured the
 * gateway is open and every request belongs to the {@link #OPEN_TENANT}; in provider pass-through mode a
 * request's tenant is derived from a hash of the key it brings. Tenants listed in the keys file may carry
 * their own rate limits.
 */
public record ApiKeys(Map<String, String> tenantsByHash, Map<String, Limits> tenantLimits, boolean passthrough) {

  public static final String OPEN_TENANT = "default";
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public ApiKeys {
    tenantsByHash = Map.copyOf(tenantsByHash);
    tenantLimits = Map.copyOf(tenantLimits);
  }

  /** The tenant's own limits from the keys file, else the defaults. */
  public Limits limitsFor(String tenant, Limits defaults) {
    return tenantLimits.getOrDefault(tenant, defaults);
  }

  public boolean open() {
    return tenantsByHash.isEmpty() && !passthrough;
  }

  /** The tenant for a presented key, or {@code null} when the key is not known. */
  public String tenantFor(String key) {
    if (passthrough) {
      return "key-" + sha256(key).substring(0, 24);
    }
    return tenantsByHash.get(sha256(key));
  }

  public static boolean validTenant(String tenant) {
    return TENANT.matcher(tenant).matches();
  }

  public static String sha256(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
