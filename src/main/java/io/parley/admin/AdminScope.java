package io.parley.admin;

import io.parley.auth.ApiKeys;
import io.parley.protocol.ApiError;
import io.vertx.ext.web.RoutingContext;

/**
 * Whose data a console request may see: every tenant's (the admin key) or one tenant's (that tenant's own
 * API key).
 *
 * @param tenant {@code null} for the admin key, else the one tenant
 */
public record AdminScope(String tenant) {

  static final String KEY = "parley.adminScope";
  static final AdminScope ALL = new AdminScope(null);

  public boolean all() {
    return tenant == null;
  }

  /** The tenant a request's {@code ?tenant=} names within this scope: a tenant key always means its own tenant. */
  String narrowed(String requested) {
    if (tenant != null || requested == null || requested.isBlank()) {
      return tenant;
    }
    if (!ApiKeys.validTenant(requested)) {
      throw ApiError.invalidValue("tenant", "Invalid 'tenant': expected 1 to 64 of A-Z a-z 0-9 _ . -");
    }
    return requested;
  }

  public static AdminScope of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
