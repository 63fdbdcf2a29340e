package io.parley.turn;

import io.parley.protocol.ApiError;
import io.parley.protocol.Compaction;
import io.parley.state.ResponseStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces each {@code item_reference} of a turn's input by the stored item it names, for the same tenant,
 * and opens each {@code compaction} item: the latest one replaces the input up to it by the summary it seals
 * (and the items it keeps before it).
 */
final class ItemReferences {

  private final ResponseStore store;
  private final CompactionSeal seal;
  private final boolean providerCompacts;

  /** @param providerCompacts whether the provider makes compaction items of its own (a Responses-API one): those pass to it as they are */
  ItemReferences(ResponseStore store, CompactionSeal seal, boolean providerCompacts) {
    this.store = store;
    this.seal = seal;
    this.providerCompacts = providerCompacts;
  }

  /** Resolves in place; a reference to no stored item is a 400 naming it. */
  Future<Void> resolve(String tenant, JsonArray input) {
    List<Future<?>> lookups = null;
    boolean compacted = false;
    for (int i = 0; i < input.size(); i++) {
      JsonObject item = input.getJsonObject(i);
      if ("compaction".equals(item.getString("type")) && (!providerCompacts || CompactionSeal.isSealedHere(item))) {
        try {
          input.set(i, seal.open(tenant, item, "input[" + i + "]"));
          compacted = true;
        } catch (ApiError e) {
          return Future.failedFuture(e);
        }
      } else if ("item_reference".equals(item.getString("type"))) {
        int at = i;
        String id = item.getString("id");
        if (lookups == null) {
          lookups = new ArrayList<>();
        }
        lookups.add(store.findItem(tenant, id).map(found -> {
          if (found == null) {
            throw ApiError.badRequest("invalid_value", "input[" + at + "].id", "Item with id '" + id + "' not found.");
          }
          input.set(at, found.copy());
          return null;
        }));
      }
    }
    Future<Void> found = lookups == null ? Future.succeededFuture() : Future.all(lookups).mapEmpty();
    return !compacted ? found : found.map(v -> {
      // After the references are in place: they keep their positions until then.
      JsonArray from = Compaction.fromLatest(input);
      if (from != input) {
        input.clear().addAll(from);
      }
      return null;
    });
  }
}
