package io.parley.state;

import io.vertx.core.Future;

import java.util.List;

/**
 * Where turns live. Every implementation passes the same contract suite ({@code ResponseStoreContract}).
 * Every operation is scoped by tenant: a turn stored for one tenant does not exist for another.
 * Every stored turn expires after the configured TTL; reading a chain to continue it refreshes the TTL
 * of every turn in it.
 */
public interface ResponseStore {

  /** Stores one turn (its own items only), with the TTL. */
  Future<Void> put(String tenant, StoredResponse response);

  /**
   * An item (input or output) of any stored turn of the tenant, by its id, or {@code null}: what an
   * {@code item_reference} points to.
   */
  Future<io.vertx.core.json.JsonObject> findItem(String tenant, String itemId);

  /** The turn, or {@code null} when unknown, expired or deleted. Does not refresh the TTL. */
  Future<StoredResponse> get(String tenant, String id);

  /** {@code true} when something was deleted. */
  Future<Boolean> delete(String tenant, String id);

  /**
   * The chain that ends at {@code id}, oldest first and {@code id} last, with every turn's TTL refreshed.
   * Fails with {@link MissingTurnException} naming the first id that is gone: a chain is never returned
   * with holes in it.
   */
  Future<List<StoredResponse>> loadChain(String tenant, String id);

  /**
   * Checks that every turn of a chain the caller already holds still exists, renewing their TTLs, in one
   * step that reads no turn. Fails with {@link MissingTurnException} naming the first id that is gone.
   */
  Future<Void> touchChain(String tenant, List<String> ids);

  /** Succeeds when the backend answers (Redis: one {@code PING}); used by {@code /readyz}. */
  Future<Void> ping();

  /** {@code false} while the store is known to be unreachable: a turn that must be stored is refused before it runs. */
  default boolean available() {
    return true;
  }

  Future<Void> close();
}
