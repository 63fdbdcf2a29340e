package io.parley.admin;

import io.parley.auth.ApiKeys;
import io.parley.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Admits a console API request by its {@code Authorization: Bearer} key: the admin key sees every tenant, a
 * tenant's own API key sees that tenant only; anything else is a 401 in the OpenAI shape. Keys are compared
 * by SHA-256 hash (the admin key's in constant time) and never logged or echoed.
 */
final class AdminAccess implements Handler<RoutingContext> {

  private final byte[] adminHash;
  private final ApiKeys keys;

  AdminAccess(String adminKeyHash, ApiKeys keys) {
    this.adminHash = HexFormat.of().parseHex(adminKeyHash);
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = bearer(ctx.request().getHeader("authorization"));
    if (key == null) {
      ctx.fail(new ApiError(401, "invalid_request_error", "missing_api_key", null,
          "The console API needs the admin key (or a tenant's API key) as Authorization: Bearer KEY."));
      return;
    }
    AdminScope scope = scopeOf(key);
    if (scope == null) {
      ctx.fail(new ApiError(401, "invalid_request_error", "invalid_api_key", null, "Incorrect API key provided."));
      return;
    }
    ctx.put(AdminScope.KEY, scope);
    ctx.next();
  }

  private AdminScope scopeOf(String key) {
    byte[] hash = HexFormat.of().parseHex(ApiKeys.sha256(key));
    if (MessageDigest.isEqual(hash, adminHash)) {
      return AdminScope.ALL;
    }
    // With no client keys there are no tenants to sign in as; in pass-through mode a key is its own tenant.
    String tenant = keys.open() ? null : keys.tenantFor(key);
    return tenant == null ? null : new AdminScope(tenant);
  }

  private static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String key = header.substring(7).trim();
    return key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 4096 ? null : key;
  }
}
