package io.parley.admin;

import io.parley.auth.ApiKeys;
import io.parley.protocol.ApiError;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tenants a console request may look into, and which of them holds a response. The admin key's are
 * every tenant with recent lines, every tenant of the keys, and the open gateway's one tenant.
 */
final class Tenants {

  private final RecentResponses recent;
  private final ResponseStore store;
  private final ApiKeys keys;

  Tenants(RecentResponses recent, ResponseStore store, ApiKeys keys) {
    this.recent = recent;
    this.store = store;
    this.keys = keys;
  }

  /** The tenants in scope, narrowed to {@code requested} when given (a tenant key always sees only its own). */
  Future<List<String>> inScope(AdminScope scope, String requested) {
    String only = scope.narrowed(requested);
    if (only != null) {
      return Future.succeededFuture(List.of(only));
    }
    return recent.tenants().map(withRecent -> {
      Set<String> all = new LinkedHashSet<>(withRecent);
      all.addAll(new java.util.TreeSet<>(keys.tenantsByHash().values()));
      if (keys.open()) {
        all.add(ApiKeys.OPEN_TENANT);
      }
      return new ArrayList<>(all);
    });
  }

  /** The tenant holding response {@code id} and the stored turn; a 404 when no tenant in scope has it. */
  Future<Held> holding(AdminScope scope, String requested, String id) {
    return inScope(scope, requested).compose(tenants -> {
      List<Future<StoredResponse>> reads = new ArrayList<>(tenants.size());
      for (String tenant : tenants) {
        reads.add(store.get(tenant, id));
      }
      return Future.join(reads).transform(done -> {
        for (int i = 0; i < reads.size(); i++) {
          if (reads.get(i).succeeded() && reads.get(i).result() != null) {
            return Future.succeededFuture(new Held(tenants.get(i), reads.get(i).result()));
          }
        }
        return Future.failedFuture(ApiError.responseNotFound(id));
      });
    });
  }

  record Held(String tenant, StoredResponse stored) {
  }
}
