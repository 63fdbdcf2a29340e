package io.parley.admin;

import io.parley.protocol.Ids;
import io.parley.state.RecentResponse;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One response's chain as a tree: its ancestors (from the stored turn's lineage) and every turn of the same
 * chain in the tenant's recent index (all turns of a {@code previous_response_id} chain share the chain tag of
 * their ids), so forks from one parent show as branches. Each node carries its stored input and response (with
 * any credential-bearing tool field removed) and, when the index has it, the placement and latency.
 */
final class ChainTree {

  /** The most turns one tree reads from the store. */
  static final int MAX_NODES = 200;

  private final ResponseStore store;
  private final RecentResponses recent;

  ChainTree(ResponseStore store, RecentResponses recent) {
    this.store = store;
    this.recent = recent;
  }

  Future<JsonObject> of(String tenant, StoredResponse focus) {
    return recent.list(tenant).compose(lines -> {
      Map<String, RecentResponse> byId = new LinkedHashMap<>();
      String tag = Ids.chainTag(focus.id());
      for (RecentResponse line : lines) {
        if (Ids.isResponseId(line.id()) && Ids.chainTag(line.id()).equals(tag)) {
          byId.put(line.id(), line);
        }
      }
      Set<String> ids = new LinkedHashSet<>(focus.lineage());
      for (String id : byId.keySet()) {
        if (ids.size() >= MAX_NODES) {
          break;
        }
        ids.add(id);
      }
      List<String> order = new ArrayList<>(ids);
      List<Future<StoredResponse>> reads = new ArrayList<>(order.size());
      for (String id : order) {
        reads.add(id.equals(focus.id()) ? Future.succeededFuture(focus) : store.get(tenant, id));
      }
      return Future.join(reads).transform(done -> {
        List<JsonObject> nodes = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
          StoredResponse turn = reads.get(i).succeeded() ? reads.get(i).result() : null;
          nodes.add(node(order.get(i), turn, byId.get(order.get(i))));
        }
        return Future.succeededFuture(tree(tenant, focus, nodes));
      });
    });
  }

  private static JsonObject tree(String tenant, StoredResponse focus, List<JsonObject> nodes) {
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    nodes.sort(Comparator.comparingLong((JsonObject n) -> n.getLong("created_at", Long.MAX_VALUE))
        .thenComparing(n -> n.getString("id")));
    nodes.forEach(n -> byId.put(n.getString("id"), n));
    for (JsonObject node : nodes) {
      JsonObject parent = node.getString("parent") == null ? null : byId.get(node.getString("parent"));
      if (parent != null) {
        parent.getJsonArray("children").add(node.getString("id"));
      }
    }
    String root = focus.ancestors().isEmpty() ? focus.id() : focus.ancestors().get(0);
    return new JsonObject().put("object", "response.chain").put("id", focus.id()).put("tenant", tenant)
        .put("root", root).put("nodes", new JsonArray(new ArrayList<>(nodes)));
  }

  /** A turn gone from the store (expired, deleted, evicted) stays in the tree as a missing node. */
  private static JsonObject node(String id, StoredResponse turn, RecentResponse line) {
    JsonObject node = new JsonObject().put("id", id).put("children", new JsonArray())
        .put("line", line == null ? null : line.toJson());
    if (turn == null) {
      return node.put("parent", line == null ? null : line.parentId()).put("missing", true)
          .put("created_at", line == null ? null : line.recordedAt() / 1000);
    }
    return node.put("parent", turn.parentId()).put("missing", false)
        .put("created_at", turn.response().getLong("created_at", 0L))
        .put("input", turn.input())
        .put("response", Redaction.response(turn.response()));
  }
}
