package io.parley.http;

import io.parley.auth.ApiKeys;
import io.parley.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves the tenant of a {@code /v1} request from its {@code Authorization: Bearer} key (401 when keys
 * are configured and the key is missing or unknown). In pass-through mode the key is also what the
 * provider receives. Keys are compared by hash and never logged or echoed.
 */
final class Authenticator implements Handler<RoutingContext> {

  static final String TENANT = "parley.tenant";
  static final String PROVIDER_KEY = "parley.providerKey";

  private final ApiKeys keys;

  Authenticator(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (keys.open()) {
      admit(ctx, ApiKeys.OPEN_TENANT);
      return;
    }
    String key = bearer(ctx.request().getHeader("authorization"));
    if (key == null) {
      ctx.fail(new ApiError(401, "invalid_request_error", "missing_api_key", null,
          "You didn't provide an API key. Provide it in an Authorization header using Bearer auth "
              + "(i.e. Authorization: Bearer YOUR_KEY)."));
      return;
    }
    String tenant = keys.tenantFor(key);
    if (tenant == null) {
      ctx.fail(new ApiError(401, "invalid_request_error", "invalid_api_key", null, "Incorrect API key provided."));
      return;
    }
    if (keys.passthrough()) {
      ctx.put(PROVIDER_KEY, key);
    }
    admit(ctx, tenant);
  }

  private void admit(RoutingContext ctx, String tenant) {
    ctx.put(TENANT, tenant);
    Exchange exchange = Exchange.of(ctx);
    if (exchange != null) {
      exchange.tenant = tenant;
      exchange.tenantLabel = keys.passthrough() ? "passthrough" : tenant;
    }
    ctx.next();
  }

  private static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String key = header.substring(7).trim();
    return key.isEmpty() ? null : key;
  }

  static String tenant(RoutingContext ctx) {
    return ctx.get(TENANT);
  }
}
