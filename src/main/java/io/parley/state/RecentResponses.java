package io.parley.state;

import io.vertx.core.Future;

import java.util.List;

/**
 * A bounded index of each tenant's recently stored turns, newest first, for the operator console: written
 * where a turn is committed, never read on a request's path. Each tenant keeps at most its bound; a line
 * lives as long as a turn's TTL from when it was written. Every implementation passes
 * {@code RecentResponsesContract}.
 */
public interface RecentResponses {

  /** Adds a turn's line, or replaces the line with the same id (keeping its place in the order). */
  Future<Void> record(String tenant, RecentResponse line);

  /** The tenant's lines, newest first. */
  Future<List<RecentResponse>> list(String tenant);

  /** Takes a deleted turn's line out. */
  Future<Void> remove(String tenant, String id);

  /** The tenants that recorded a line within the TTL. */
  Future<List<String>> tenants();

  /** The index when {@code recent_responses_max} is 0: records nothing, lists nothing. */
  RecentResponses NONE = new RecentResponses() {
    @Override
    public Future<Void> record(String tenant, RecentResponse line) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<RecentResponse>> list(String tenant) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Void> remove(String tenant, String id) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<String>> tenants() {
      return Future.succeededFuture(List.of());
    }
  };
}
