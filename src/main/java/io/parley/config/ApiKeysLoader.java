package io.parley.config;

import io.parley.auth.ApiKeys;
import io.parley.limit.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads client keys from {@code PARLEY_API_KEYS} ({@code tenant=key,tenant=key}; hashed as soon as read)
 * and from {@code PARLEY_API_KEYS_FILE}, a JSON list of {@code {"tenant","sha256","rpm"?,"tpm"?}} so no key is kept
 * in clear at rest ({@code java -jar parley.jar hash-key KEY} prints a key's hash).
 */
final class ApiKeysLoader {

  private ApiKeysLoader() {
  }

  static ApiKeys load(String inline, String file, String upstreamAuth) {
    boolean passthrough = switch (upstreamAuth == null ? "config" : upstreamAuth) {
      case "config" -> false;
      case "passthrough" -> true;
      default -> throw new ConfigException("invalid configuration PARLEY_UPSTREAM_AUTH (conf key 'upstream_auth'): "
          + "must be 'config' or 'passthrough'");
    };
    Map<String, String> tenants = new HashMap<>();
    Map<String, Limits> limits = new HashMap<>();
    if (inline != null && !inline.isBlank()) {
      for (String pair : inline.split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw invalid("api_keys", "expected tenant=key pairs separated by commas");
        }
        add(tenants, pair.substring(0, eq).trim(), ApiKeys.sha256(pair.substring(eq + 1).trim()), "api_keys");
      }
    }
    if (file != null && !file.isBlank()) {
      for (Object o : readFile(file)) {
        if (!(o instanceof JsonObject entry) || !(entry.getValue("tenant") instanceof String tenant)
            || !(entry.getValue("sha256") instanceof String hash) || !hash.matches("[0-9a-f]{64}")) {
          throw invalid("api_keys_file", "each entry must be {\"tenant\": \"...\", \"sha256\": \"<64 hex>\"}");
        }
        add(tenants, tenant, hash, "api_keys_file");
        if (entry.containsKey("rpm") || entry.containsKey("tpm")) {
          if (!(entry.getValue("rpm", 0) instanceof Number rpm) || !(entry.getValue("tpm", 0) instanceof Number tpm)) {
            throw invalid("api_keys_file", "rpm and tpm must be numbers");
          }
          limits.put(tenant, new Limits(rpm.longValue(), tpm.longValue()));
        }
      }
    }
    if (passthrough && !tenants.isEmpty()) {
      throw new ConfigException("invalid configuration: PARLEY_API_KEYS/PARLEY_API_KEYS_FILE cannot be combined with "
          + "PARLEY_UPSTREAM_AUTH=passthrough (the provider checks the keys in that mode)");
    }
    return new ApiKeys(tenants, limits, passthrough);
  }

  private static void add(Map<String, String> tenants, String tenant, String hash, String key) {
    if (!ApiKeys.validTenant(tenant)) {
      throw invalid(key, "tenant ids are 1-64 characters of A-Z a-z 0-9 _ . - (got '" + tenant + "')");
    }
    if (tenants.putIfAbsent(hash, tenant) != null) {
      throw invalid(key, "the same key is listed twice");
    }
  }

  private static JsonArray readFile(String file) {
    try {
      return new JsonArray(Files.readString(Path.of(file)));
    } catch (IOException | RuntimeException e) {
      throw invalid("api_keys_file", "cannot read a JSON list from " + file + ": " + e.getMessage());
    }
  }

  private static ConfigException invalid(String key, String why) {
    return new ConfigException("invalid configuration PARLEY_" + key.toUpperCase() + " (conf key '" + key + "'): " + why);
  }
}
