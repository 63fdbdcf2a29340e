package io.parley.admin;

import io.parley.protocol.ApiError;
import io.parley.state.ConversationStore;
import io.parley.state.RecentResponse;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The console's JSON API, {@code /admin/v1}: recent responses (filtered), one response's chain as a tree,
 * conversations and their items, and the live gateway figures. Everything is read through the same store
 * interfaces as {@code /v1}, within the caller's {@link AdminScope}.
 */
public final class AdminApi {

  private static final Set<String> RUNNING = Set.of("queued", "in_progress");
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final RecentResponses recent;
  private final ResponseStore store;
  private final ConversationStore conversations;
  private final Tenants tenants;
  private final ChainTree trees;
  private final GatewayStats stats;

  AdminApi(RecentResponses recent, ResponseStore store, ConversationStore conversations, Tenants tenants,
      GatewayStats stats) {
    this.recent = recent;
    this.store = store;
    this.conversations = conversations;
    this.tenants = tenants;
    this.trees = new ChainTree(store, recent);
    this.stats = stats;
  }

  /** {@code GET /admin/v1/responses?model=&status=&tenant=&background=&conversation=&limit=}, newest first. */
  public Future<Void> responses(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    int limit = limit(query.get("limit"));
    return lines(ctx).compose(all -> {
      List<Map.Entry<String, RecentResponse>> picked = new ArrayList<>();
      for (Map.Entry<String, RecentResponse> e : all) {
        if (matches(e.getValue(), query) && picked.size() < limit) {
          picked.add(e);
        }
      }
      return refreshed(picked);
    }).compose(picked -> {
      JsonArray data = new JsonArray();
      picked.forEach(e -> data.add(e.getValue().toJson().put("tenant", e.getKey())));
      return json(ctx, new JsonObject().put("object", "list").put("data", data)
          .put("scope", AdminScope.of(ctx).all() ? "admin" : "tenant").put("tenant", AdminScope.of(ctx).tenant()));
    });
  }

  /** {@code GET /admin/v1/responses/{id}/chain?tenant=}: the tree the response belongs to. */
  public Future<Void> chain(RoutingContext ctx) {
    return tenants.holding(AdminScope.of(ctx), ctx.queryParams().get("tenant"), ctx.pathParam("id"))
        .compose(held -> trees.of(held.tenant(), held.stored()))
        .compose(tree -> json(ctx, tree));
  }

  /** The tenant holding response {@code id} within the caller's scope (for a cancel), or a 404. */
  public Future<String> tenantOf(RoutingContext ctx) {
    return tenants.holding(AdminScope.of(ctx), ctx.queryParams().get("tenant"), ctx.pathParam("id"))
        .map(Tenants.Held::tenant);
  }

  /**
   * {@code GET /admin/v1/conversations}: the conversations the recent responses belong to, latest first
   * (a conversation with no recent response is found by its id).
   */
  public Future<Void> conversations(RoutingContext ctx) {
    return lines(ctx).compose(all -> {
      Map<String, JsonObject> byId = new LinkedHashMap<>();
      for (Map.Entry<String, RecentResponse> e : all) {
        RecentResponse line = e.getValue();
        if (line.conversation() == null) {
          continue;
        }
        JsonObject c = byId.computeIfAbsent(e.getKey() + "/" + line.conversation(), k -> new JsonObject()
            .put("id", line.conversation()).put("tenant", e.getKey()).put("last_at", line.recordedAt())
            .put("responses", 0).put("models", new JsonArray()));
        c.put("responses", c.getInteger("responses") + 1);
        if (!c.getJsonArray("models").contains(line.model())) {
          c.getJsonArray("models").add(line.model());
        }
      }
      return json(ctx, new JsonObject().put("object", "list").put("data", new JsonArray(new ArrayList<>(byId.values()))));
    });
  }

  /** {@code GET /admin/v1/conversations/{id}?tenant=}: the conversation and all its items, oldest first. */
  public Future<Void> conversation(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return tenants.inScope(AdminScope.of(ctx), ctx.queryParams().get("tenant")).compose(candidates -> {
      List<Future<JsonObject>> reads = new ArrayList<>();
      candidates.forEach(t -> reads.add(conversations.get(t, id)));
      return Future.join(reads).transform(done -> {
        for (int i = 0; i < reads.size(); i++) {
          if (reads.get(i).succeeded() && reads.get(i).result() != null) {
            String tenant = candidates.get(i);
            JsonObject conversation = reads.get(i).result();
            return conversations.items(tenant, id).compose(items -> json(ctx, new JsonObject()
                .put("object", "conversation.items").put("tenant", tenant).put("conversation", conversation)
                .put("items", items == null ? new JsonArray() : items)));
          }
        }
        return Future.failedFuture(new ApiError(404, "invalid_request_error", "not_found", null,
            "Conversation with id '" + id + "' not found."));
      });
    });
  }

  /** {@code GET /admin/v1/stats}: the last minutes of the gateway's figures, one point per interval. */
  public Future<Void> stats(RoutingContext ctx) {
    return json(ctx, stats.toJson());
  }

  /** Every line in scope as (tenant, line), newest first across tenants. */
  private Future<List<Map.Entry<String, RecentResponse>>> lines(RoutingContext ctx) {
    return tenants.inScope(AdminScope.of(ctx), ctx.queryParams().get("tenant")).compose(names -> {
      List<Future<List<RecentResponse>>> reads = new ArrayList<>();
      names.forEach(t -> reads.add(recent.list(t)));
      return Future.all(reads).map(done -> {
        List<Map.Entry<String, RecentResponse>> all = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          for (RecentResponse line : reads.get(i).result()) {
            all.add(Map.entry(names.get(i), line));
          }
        }
        all.sort(Comparator.comparingLong((Map.Entry<String, RecentResponse> e) -> e.getValue().recordedAt()).reversed());
        return all;
      });
    });
  }

  /** A running background line is read again from the store, whose state is the run's latest. */
  private Future<List<Map.Entry<String, RecentResponse>>> refreshed(List<Map.Entry<String, RecentResponse>> picked) {
    List<Future<Map.Entry<String, RecentResponse>>> reads = new ArrayList<>(picked.size());
    for (Map.Entry<String, RecentResponse> e : picked) {
      if (!RUNNING.contains(e.getValue().status())) {
        reads.add(Future.succeededFuture(e));
        continue;
      }
      reads.add(store.get(e.getKey(), e.getValue().id()).map((StoredResponse stored) -> stored == null ? e
          : Map.entry(e.getKey(), e.getValue().withStatus(stored.response().getString("status")))));
    }
    return Future.all(reads).map(done -> {
      List<Map.Entry<String, RecentResponse>> out = new ArrayList<>(reads.size());
      reads.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  private static boolean matches(RecentResponse line, MultiMap query) {
    return equal(query.get("model"), line.model()) && equal(query.get("status"), line.status())
        && equal(query.get("conversation"), line.conversation())
        && (query.get("background") == null || Boolean.parseBoolean(query.get("background")) == line.background());
  }

  private static boolean equal(String wanted, String value) {
    return wanted == null || wanted.isBlank() || wanted.equals(value);
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiError.invalidValue("limit", "Invalid 'limit': expected an integer from 1 to " + MAX_LIMIT + ".");
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
        .end(body.toBuffer());
  }
}
